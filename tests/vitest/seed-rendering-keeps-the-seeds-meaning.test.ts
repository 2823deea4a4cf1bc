import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { validateCommand } from '../../src/cli/validate-command.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// The seed's rendering (issue #12): start_flow names its file without an environment and gets
// the copy its workspace step rendered; update_workspace re-renders the query Flow with another
// protocol and port; JINA_VEC_INDEXER_SHARDS is set nowhere and renders empty (one shard), as
// chevron rendered it for the seed.
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

let project: StressProject;
let run: StressRun;
let indexPort: number;
let queryPort: number;

beforeAll(async () => {
  indexPort = await freePort();
  queryPort = await freePort();
  const seed = (name: string) => referenceFlow(`seed/${name}`);
  project = await createStressProject(`
jobs:
  seed-rendering:
    steps:
      - method: create_workspace
        files: [${seed('encoder.yml')}, ${seed('vec.yml')}, ${seed('kv.yml')}, ${seed('index.yml')}, ${seed('query.yml')}]
        environment: { JINA_GATEWAY_PORT_EXPOSE: ${indexPort}, JINA_ENCODER_SHARDS: 2, JINA_GATEWAY_REST: false }
      - method: start_flow
        file: ${seed('index.yml')}
      - method: index
        execution_time: 2
        inputs: { method: random_images, kwargs: { num_docs: 10 } }
        client: grpc
        num_clients: 2
        request_size: 10
      - method: terminate_flow
      - method: update_workspace
        files: [${seed('query.yml')}]
        environment: { JINA_GATEWAY_PORT_EXPOSE: ${queryPort}, JINA_GATEWAY_REST: true }
      - method: start_flow
        file: ${seed('query.yml')}
      - method: query
        execution_time: 2
        client: websocket
        inputs: { method: random_images, kwargs: { num_docs: 5 } }
        on_always: { method: validate_images }
      - method: terminate_flow
      - method: delete_workspace
`);
  run = await project.run();
}, 150_000);

afterAll(() => project?.remove());

test('validate accepts it and warns about each variable that renders empty, naming the steps that could set it', async () => {
  let out = '';
  let err = '';
  const code = await validateCommand(['stress.yaml'], { cwd: project.dir, env: {}, out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) });
  expect(code, err).toBe(0);
  expect(out).toMatch(/^ok: stress\.yaml: 1 job, 9 steps/);
  // index.yml line 18 and query.yml line 17: `shards: {{ JINA_VEC_INDEXER_SHARDS }}`.
  expect(err).toContain('jobs.seed-rendering.steps[1].file  warning: index.yml:18 uses {{ JINA_VEC_INDEXER_SHARDS }}, which has no value: it renders empty');
  expect(err).toContain(
    "hint: set JINA_VEC_INDEXER_SHARDS in the environment of steps[0] (create_workspace, which uploaded index.yml), or this step's environment, or instances.yaml",
  );
  expect(err).toContain('jobs.seed-rendering.steps[5].file  warning: query.yml:17 uses {{ JINA_VEC_INDEXER_SHARDS }}');
  expect(err).toContain('the environment of steps[4] (update_workspace, which uploaded query.yml)');
  expect(err).not.toContain('JINA_GATEWAY_PORT_EXPOSE');
  expect(err).not.toContain('JINA_GATEWAY_REST');
});

test('it runs: each Flow came up where its latest rendered copy said, with the protocol it said', async () => {
  expect(run.exitCode, run.output).toBe(0);
  expect(Object.values(statesOf(run))).toEqual(Array(9).fill('passed'));
  expect(run.output).toMatch(new RegExp(`ready in [\\d.]+s at grpc://[\\d.]+:${indexPort}\\b`));
  expect(run.output).toMatch(new RegExp(`ready in [\\d.]+s at websocket://[\\d.]+:${queryPort}\\b`));
  // What was uploaded, as people can inspect it: the start_flow copies, rendered as the seed would.
  const rendered = await readFile(join(project.reportsDir, 'rendered', await onlyRun(project.reportsDir), 'seed-rendering', 'start_flow_2', 'query.yml'), 'utf8');
  expect(rendered).toContain(`port_expose: ${queryPort}\n`);
  expect(rendered).toContain('rest_api: true\n');
  expect(rendered).toMatch(/shards: \n/);
});

async function onlyRun(reportsDir: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const runs = await readdir(join(reportsDir, 'rendered'));
  expect(runs).toHaveLength(1);
  return runs[0] as string;
}
