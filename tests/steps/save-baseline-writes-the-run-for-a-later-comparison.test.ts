import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { validateConfigText } from '../../src/config/validate-config.ts';
import type { BaselineFile } from '../../src/load/baseline-file.ts';
import { createS3Client } from '../../src/sinks/s3-connection.ts';
import { type RunningS3rver, startS3rver } from '../sinks/start-s3rver.ts';
import { referenceFlow } from '../vitest/support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from '../vitest/support/stress-project.ts';

// save_baseline, added as one step file and one table line (#10 item 5, planned by issue 16):
// a real run (embedded agent, reference Flow) indexes and queries, then writes its load steps
// to a local file and to S3; what it wrote is checked against the run's own reports.
const BUCKET = 'baselines';
const KEY = 'images/main/baseline.json';
let s3: RunningS3rver;
let project: StressProject;
let run: StressRun;

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  project = await createStressProject(`
jobs:
  images:
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: query
        execution_time: 1
        top_k: 2
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: save_baseline
        file: baselines/run.json
        s3_key: ${KEY}
        bucket: ${BUCKET}
        endpoint: ${s3.connection.endpoint}
        force_path_style: true
      - method: terminate_flow
      - method: delete_workspace
`);
  const { accessKeyId = '', secretAccessKey = '' } = s3.connection.credentials ?? {};
  run = await project.run([], { env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: 'us-east-1' } });
}, 120_000);

afterAll(async () => {
  await project?.remove();
  await s3?.stop();
});

describe('save_baseline', () => {
  test('runs as a step of the job', () => {
    expect(run.exitCode, run.output).toBe(0);
    expect(statesOf(run)['images › save_baseline']).toBe('passed');
  });

  test('writes each load step with its counters, per-second series, HDR histograms and verdict', async () => {
    const baseline = JSON.parse(await readFile(join(project.dir, 'baselines/run.json'), 'utf8')) as BaselineFile;
    expect(baseline).toMatchObject({ format: 'jina-stress-baseline', version: 1, config: { path: join(project.dir, 'stress.yaml') } });
    expect(baseline.steps.map((step) => [step.job, step.step, step.method])).toEqual([
      ['images', 'index', 'index'],
      ['images', 'query', 'query'],
    ]);
    const summaries = run.steps?.filter((record) => record.kind === 'index' || record.kind === 'query').map((record) => record.summaries[0]) ?? [];
    for (const [index, step] of baseline.steps.entries()) {
      // The same numbers the step's own summary line printed.
      expect(summaries[index]).toMatch(new RegExp(`^${step.counters.requests.toLocaleString('en-US')} req, ${step.counters.docs.toLocaleString('en-US')} docs`));
      expect(step.counters.requests).toBeGreaterThan(0);
      expect(step.counters.okRequests + step.counters.errors.total).toBe(step.counters.requests);
      expect(step.series.reduce((sum, second) => sum + second.requests, 0)).toBe(step.counters.requests);
      const roundTrip = decodeFromCompressedBase64(step.histograms.roundTrip);
      expect(roundTrip.totalCount).toBe(step.latency.count);
      roundTrip.destroy();
      expect(Object.keys(step.histograms.executors).sort()).toEqual(step.executors.map((executor) => executor.executor).sort());
      expect(step.thresholds.find((outcome) => outcome.name === 'error_rate')).toMatchObject({ limit: 0.01, passed: true });
      expect(step.verdict).toEqual({ status: 'passed' });
    }
  });

  test('uploads the same bytes to the S3 key', async () => {
    const local = await readFile(join(project.dir, 'baselines/run.json'), 'utf8');
    const client = createS3Client(s3.connection);
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(await object.Body?.transformToString()).toBe(local);
    client.destroy();
  });

  test('S3 keys without s3_key are a config problem', () => {
    const validation = validateConfigText(
      'jobs:\n  j:\n    steps:\n      - method: save_baseline\n        file: b.json\n        bucket: mine\n',
      { configPath: join(project.dir, 'other.yaml'), env: {} },
    );
    expect(validation.status).toBe('invalid');
    if (validation.status !== 'invalid') return;
    expect(validation.problems.map((problem) => [problem.yamlPath, problem.message])).toEqual([
      ['jobs.j.steps[0].bucket', 'bucket applies to the S3 upload, which needs s3_key'],
    ]);
  });
});
