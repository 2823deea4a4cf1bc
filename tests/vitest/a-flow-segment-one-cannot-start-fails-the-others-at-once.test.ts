import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { createStressProject, type StressProject, type StressRun } from './support/stress-project.ts';

// Segment 1's start_flow fails (the agent refuses the Flow). It tells the others there is no
// Flow: segment 2 fails with that reason instead of waiting out STRESS_SEGMENT_TIMEOUT_S (an
// hour here, longer than this test may take), and nothing is left on the agent.

let agent: ExternalAgent;
let projects: StressProject[];
let runs: StressRun[];
beforeAll(async () => {
  agent = await startExternalAgent();
  const config = `
jobs:
  broken:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [flow.yml]
      - method: start_flow
        file: flow.yml
      - method: index
        execution_time: 1
        num_clients: 2
        inputs: { method: random_texts, kwargs: { num_docs: 4 } }
      - method: terminate_flow
      - method: delete_workspace
`;
  projects = await Promise.all([1, 2].map(() => createStressProject(config)));
  for (const project of projects) {
    await writeFile(join(project.dir, 'flow.yml'), 'jtype: Flow\nwith: {protocol: grpc, port: 0}\nexecutors:\n  - {name: nowhere, uses: NoSuchExecutorAnywhere}\n');
  }
  runs = await Promise.all(
    projects.map((project, position) => project.run([], { env: { STRESS_SEGMENT: `${position + 1}/2`, STRESS_RUN_ID: 'broken-run', STRESS_SEGMENT_TIMEOUT_S: '3600' } })),
  );
}, 240_000);
afterAll(async () => {
  for (const project of projects ?? []) await project.remove();
  await agent?.close();
});

test('segment 2 fails at start_flow saying segment 1 could not start its Flow', () => {
  const steps = (run: StressRun) => Object.fromEntries((run.steps ?? []).map((record) => [record.step, record]));
  expect(steps(runs[0]!).start_flow?.state, runs[0]!.output).toBe('failed');
  expect(steps(runs[1]!).start_flow?.state, runs[1]!.output).toBe('failed');
  expect(steps(runs[1]!).start_flow?.error).toContain(`segment 1 of run broken-run could not start its Flow (agent 127.0.0.1:${agent.port})`);
});

test('segment 1 still removed its workspace once segment 2 said it was done', async () => {
  expect(await agent.barrier('broken-run', 'job0.step4.done')).toMatchObject({ status: 'released', released_by: 'all_arrived' });
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
});
