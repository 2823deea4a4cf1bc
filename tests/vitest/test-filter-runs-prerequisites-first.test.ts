import { afterAll, beforeAll, expect, test } from 'vitest';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject } from './support/stress-project.ts';

let agent: ExternalAgent;
let project: StressProject;

beforeAll(async () => {
  agent = await startExternalAgent();
  project = await createStressProject(`
jobs:
  seed:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}, ${referenceFlow('query-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: terminate_flow
      - method: start_flow
        file: ${referenceFlow('query-grpc.yml')}
      - method: query
        execution_time: 1
        top_k: 2
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: terminate_flow
      - method: delete_workspace
`);
}, 30_000);

afterAll(async () => {
  await project?.remove();
  await agent?.close();
});

test('a step selected alone gets its workspace, the flow running at its place and the index steps it reads, and says so', async () => {
  const run = await project.run(['-t', 'query']);
  expect(run.exitCode, run.output).toBe(0);
  expect(statesOf(run)).toEqual({
    'seed › create_workspace': 'skipped',
    'seed › start_flow': 'skipped',
    'seed › index': 'skipped',
    'seed › terminate_flow': 'skipped',
    'seed › start_flow #2': 'skipped',
    'seed › query': 'passed',
    'seed › terminate_flow #2': 'skipped',
    'seed › delete_workspace': 'skipped',
  });
  expect(run.output).toContain('running prerequisite "create_workspace" first (step 1');
  expect(run.output).toContain('running prerequisite "start_flow #2" first (step 5');
  // Issue 18: the query reads what the index step stored, so that runs too, through its own
  // Flow, which is terminated before the query's Flow starts, as in the whole job.
  expect(run.output).toContain('running prerequisite "start_flow" first (step 2');
  expect(run.output).toContain('running prerequisite "index" first (step 3, not selected by the test filter; "query" reads the data it writes)');
  expect(run.output).toContain('running prerequisite "terminate_flow" first (step 4');
  const order = ['"create_workspace" first', '"start_flow" first', '"index" first', '"terminate_flow" first', '"start_flow #2" first'].map((text) => run.output.indexOf(text));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(run.output).toContain('1 step(s) selected by /query/');
  // The skipped teardown steps did not run, so the job's cleanup removed what it created.
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
}, 120_000);

test('a filter that selects no step fails the run instead of passing with everything skipped', async () => {
  const run = await project.run(['-t', 'no-such-step']);
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain('[SELECTION_EMPTY] the test name filter /no-such-step/ selects no step');
  expect(run.output).toContain('"stress.yaml seed query"');
  expect(run.steps).toBeUndefined();
}, 60_000);
