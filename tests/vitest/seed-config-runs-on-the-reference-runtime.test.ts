import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// The seed's own job (DESIGN.md "Config"): its step list, kwargs and environment, with the
// seed's 1.x Flow files (pods:, port_expose, {{ mustache }}, executor YAMLs uploaded to the
// workspace). Only the port is free instead of 23456, and S3 is left out (tested elsewhere).
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

let project: StressProject;
let run: StressRun;
let port: number;

beforeAll(async () => {
  port = await freePort();
  const seed = (name: string) => referenceFlow(`seed/${name}`);
  const environment = `{ JINA_GATEWAY_PORT_EXPOSE: ${port}, JINA_ENCODER_SHARDS: 2, JINA_VEC_INDEXER_SHARDS: 2, JINA_GATEWAY_REST: false }`;
  project = await createStressProject(`
jobs:
  images-stress-test:
    steps:
      - method: create_workspace
        files: [${seed('encoder.yml')}, ${seed('vec.yml')}, ${seed('kv.yml')}, ${seed('index.yml')}, ${seed('query.yml')}]
        environment: ${environment}
      - method: start_flow
        file: ${seed('index.yml')}
        environment: ${environment}
      - method: index
        sleep_time: 1
        execution_time: 2
        inputs: { method: random_images, kwargs: { num_docs: 10 } }
        on_always: { method: validate_images, kwargs: { type: Numpy+BinaryPb } }
        client: grpc
        num_clients: 5
        request_size: 10
      - method: terminate_flow
      - method: start_flow
        file: ${seed('query.yml')}
        environment: ${environment}
      - method: query
        execution_time: 2
        top_k: 20
        inputs: { method: random_images, kwargs: { num_docs: 5 } }
        on_always: { method: validate_images }
      - method: terminate_flow
      - method: delete_workspace
      - method: collect_stats
        slack: false
`);
  run = await project.run();
}, 150_000);

afterAll(() => project?.remove());

test('the seed job loads, validates and passes on the reference runtime', () => {
  expect(run.exitCode, run.output).toBe(0);
  expect(Object.values(statesOf(run))).toEqual(Array(9).fill('passed'));
  // The gateway answered on the port the mustache-rendered Flow file asked for.
  expect(run.output).toMatch(new RegExp(`ready in [\\d.]+s at grpc://[\\d.]+:${port}\\b`));
});

test("the seed's 1.x pods appear by name in the stats table", async () => {
  const stats = await readFile(join(project.reportsDir, 'stats.md'), 'utf8');
  const header = stats.split('\n').find((line) => line.includes('Task')) ?? '';
  for (const pod of ['encoder', 'vec_idx', 'doc_idx']) expect(header).toContain(pod);
  expect(stats.split('\n').filter((line) => /^\|\s*(index|query)\s*\|/.test(line))).toHaveLength(2);
});
