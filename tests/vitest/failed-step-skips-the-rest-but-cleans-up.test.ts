import { afterAll, beforeAll, expect, test } from 'vitest';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// Two jobs on a daemon the config names. In both the index step fails its threshold. The first
// job has its own teardown steps, which still run; the second has none, and the job's cleanup
// removes what it created. The agent is asked afterwards what it still holds.
let agent: ExternalAgent;
let project: StressProject;
let run: StressRun;
let heldDuringRun: { flows: string[]; workspaces: string[] } | undefined;

beforeAll(async () => {
  agent = await startExternalAgent();
  const job = (name: string, teardown: string) => `
  ${name}:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
        thresholds: { p99_ms: 0.001 }
      - method: query
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
${teardown}`;
  project = await createStressProject(
    `jobs:${job('with-teardown', '      - method: terminate_flow\n      - method: delete_workspace\n      - method: collect_stats\n')}${job('without-teardown', '')}`,
  );
  run = await project.run([], {
    onOutput: (chunk) => {
      // Sampled once the second job's flow is up: proves there was something to clean.
      if (!heldDuringRun && chunk.includes('[without-teardown › start_flow]')) {
        void agent.holdings().then((held) => (heldDuringRun = held));
      }
    },
  });
}, 120_000);

afterAll(async () => {
  await project?.remove();
  await agent?.close();
});

test('the failing step fails with the threshold table, later work steps are skipped, teardown steps run', () => {
  expect(run.exitCode).not.toBe(0);
  expect(statesOf(run)).toEqual({
    'with-teardown › create_workspace': 'passed',
    'with-teardown › start_flow': 'passed',
    'with-teardown › index': 'failed',
    'with-teardown › query': 'skipped',
    'with-teardown › terminate_flow': 'passed',
    'with-teardown › delete_workspace': 'passed',
    'with-teardown › collect_stats': 'skipped',
    'without-teardown › create_workspace': 'passed',
    'without-teardown › start_flow': 'passed',
    'without-teardown › index': 'failed',
    'without-teardown › query': 'skipped',
  });
  const index = run.steps?.find((step) => step.job === 'with-teardown' && step.step === 'index');
  expect(index?.error).toMatch(/^\[THRESHOLD\] Threshold breached in with-teardown\/index: p99_ms measured [\d.]+, limit 0\.001/);
  const query = run.steps?.find((step) => step.job === 'with-teardown' && step.step === 'query');
  expect(query?.skipReason).toMatch(/^skipped because step "index" failed earlier in job "with-teardown"/);
});

test('the failed load step still leaves its numbers', () => {
  const index = run.steps?.find((step) => step.job === 'with-teardown' && step.step === 'index');
  expect(index?.summaries[0]).toMatch(/^[\d,]+ req, [\d,]+ docs/);
});

test('nothing is left running on the daemon, though the second job had a flow and a workspace', async () => {
  expect(heldDuringRun?.flows.length).toBeGreaterThan(0);
  expect(heldDuringRun?.workspaces.length).toBeGreaterThan(0);
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
});
