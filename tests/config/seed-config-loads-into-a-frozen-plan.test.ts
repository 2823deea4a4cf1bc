import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadPlan } from '../../src/config/load-plan.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const examples = path.join(root, 'configs/examples');
const configPath = path.join(examples, 'seed-images.yaml');

describe('the seed config shape (DESIGN.md "Config")', () => {
  const plan = loadPlan(configPath, { cwd: root, env: {} });
  const [job] = plan.jobs;
  const steps = job?.steps ?? [];

  test('loads into one job whose steps keep their order, with unique test names', () => {
    expect(plan.jobs.map((j) => j.name)).toEqual(['images-stress-test']);
    expect(steps.map((s) => s.kind)).toEqual([
      'create_workspace', 'start_flow', 'index', 'terminate_flow', 'start_flow',
      'query', 'terminate_flow', 'delete_workspace', 'collect_stats', 'upload_to_s3',
    ]);
    expect(steps.map((s) => s.name)).toEqual([
      'create_workspace', 'start_flow', 'index', 'terminate_flow', 'start_flow #2',
      'query', 'terminate_flow #2', 'delete_workspace', 'collect_stats', 'upload_to_s3',
    ]);
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('hashes the config text and records where the config and each step are', () => {
    const text = readFileSync(configPath, 'utf8');
    expect(plan.configHash).toBe(createHash('sha256').update(text).digest('hex').slice(0, 12));
    expect(plan.configPath).toBe(configPath);
    expect(plan.configDir).toBe(examples);
    expect(steps[2]?.location).toEqual({ yamlPath: 'jobs.images-stress-test.steps[2]', line: 12, column: 9 });
  });

  test('files become absolute paths in the config folder; environment values become strings', () => {
    const create = steps[0];
    if (create?.kind !== 'create_workspace') throw new Error('expected create_workspace first');
    expect(create.params.files).toEqual(['encoder.yml', 'index.yml', 'query.yml'].map((f) => path.join(examples, 'flows', f)));
    expect(create.params.environment).toEqual({ JINA_GATEWAY_PORT_EXPOSE: '23456', JINA_ENCODER_SHARDS: '2' });
    const start = steps[1];
    if (start?.kind !== 'start_flow') throw new Error('expected start_flow second');
    // index.yml was uploaded by create_workspace: it renders with that step's environment, its own on top.
    expect(start.params).toEqual({
      file: path.join(examples, 'flows/index.yml'),
      environment: create.params.environment,
      templateEnvironment: create.params.environment,
      timeoutReadyS: 120,
    });
  });

  test('load steps get the seed defaults, camelCase, and no gateway (the flow provides it)', () => {
    const index = steps[2];
    const query = steps[5];
    if (index?.kind !== 'index' || query?.kind !== 'query') throw new Error('expected index and query');
    expect(index.sleepTimeS).toBe(2);
    expect(index.params).toEqual({
      client: 'grpc', numClients: 5, requestSize: 100, executionTimeS: 10, endpoint: '/index', parameters: {},
      inputs: { method: 'random_images', kwargs: { num_docs: 10 } },
      onAlways: { method: 'validate_images', kwargs: { type: 'Numpy+BinaryPb' } },
      prefetch: 1, grpcMode: 'stream', websocketFraming: 'bytes', requestTimeoutMs: 30_000,
      thresholds: {}, maxViolations: 0, abortOnFail: false,
    });
    expect(query.params).toMatchObject({ numClients: 1, requestSize: 100, executionTimeS: 10, topK: 20, endpoint: '/search' });
    expect(query.params.onAlways).toEqual({ method: 'validate_images', kwargs: {} });
    expect(query.params.gateway).toBeUndefined();
  });

  test('sinks: stats without Slack, uploads from the working directory to the seed bucket', () => {
    expect(steps[8]?.params).toEqual({ slack: false });
    expect(steps[9]?.params).toEqual({ directory: path.join(root, 'reports'), bucket: 'e2e-distributed-stress-tests' });
  });

  test('is plain JSON, frozen all the way down', () => {
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(steps[0]?.params)).toBe(true);
    expect(() => {
      (steps as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });
});
