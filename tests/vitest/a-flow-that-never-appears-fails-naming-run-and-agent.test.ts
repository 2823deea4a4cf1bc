import { afterAll, beforeAll, expect, test } from 'vitest';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, type StressProject } from './support/stress-project.ts';

// Segment 2 of 2 runs alone: segment 1, which would start the Flow, never comes. Segment 2
// waits for it through the agent for STRESS_SEGMENT_TIMEOUT_S, then fails naming the run and
// the agent; its load step is skipped, and it creates nothing on the agent.

let agent: ExternalAgent;
let project: StressProject;
beforeAll(async () => {
  agent = await startExternalAgent();
  project = await createStressProject(`
jobs:
  lonely:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        num_clients: 2
        inputs: { method: random_texts, kwargs: { num_docs: 4 } }
      - method: terminate_flow
`);
});
afterAll(async () => {
  await project?.remove();
  await agent?.close();
});

test('the wait is bounded, and the error names the run id and the agent', async () => {
  const run = await project.run([], { env: { STRESS_SEGMENT: '2/2', STRESS_RUN_ID: 'nobody-home', STRESS_SEGMENT_TIMEOUT_S: '2' } });
  expect(run.exitCode, run.output).toBe(1);
  const steps = Object.fromEntries((run.steps ?? []).map((record) => [record.step, record]));
  expect(steps.start_flow?.state).toBe('failed');
  expect(steps.start_flow?.error).toContain(`no Flow of run nobody-home appeared on agent 127.0.0.1:${agent.port} within 2s: segment 1 did not start it`);
  expect(steps.index?.state).toBe('skipped');
  expect(steps.terminate_flow?.state).toBe('skipped');
  // The agent saw segment 2 wait, and segment 1 never.
  expect(await agent.barrier('nobody-home', 'job0.step1.flow')).toMatchObject({ status: 'released', released_by: 'timeout', arrived: [2], missing: [1] });
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
}, 120_000);
