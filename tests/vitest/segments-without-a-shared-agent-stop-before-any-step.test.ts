import { afterAll, beforeAll, expect, test } from 'vitest';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, type StressProject } from './support/stress-project.ts';

// Run from several machines, segment 1 starts the Flow the others find through the agent:
// without an agent they all reach, or a run id they share, that cannot work. Said before any
// step runs (exit 2, as for an invalid config), nothing created anywhere.

const lifecycle = `
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        num_clients: 2
        inputs: { method: random_texts, kwargs: { num_docs: 4 } }
      - method: terminate_flow`;

let agent: ExternalAgent;
const projects: StressProject[] = [];
beforeAll(async () => {
  agent = await startExternalAgent();
});
afterAll(async () => {
  for (const project of projects) await project.remove();
  await agent?.close();
});

const noRunId = { STRESS_RUN_ID: '', GITHUB_RUN_ID: '', CI_PIPELINE_ID: '' };

test('a job with lifecycle steps on each process\'s embedded agent is refused, naming the job', async () => {
  const project = await createStressProject(`jobs:\n  alone:\n    steps:${lifecycle}\n`);
  projects.push(project);
  const run = await project.run([], { env: { ...noRunId, STRESS_RUN_ID: 'r1', STRESS_SEGMENT: '2/3' } });
  expect(run.exitCode, run.output).toBe(2);
  expect(run.output).toContain('STRESS_SEGMENT=2/3: job "alone" starts a workspace or Flow without an agent every generator reaches');
  expect(run.output).toContain('give the job daemon: {host, port, token}');
  expect(run.steps).toBeUndefined();
}, 60_000);

test('a shared agent without a run id the generators share is refused', async () => {
  const project = await createStressProject(`jobs:\n  shared:\n    daemon: { host: ${agent.host}, port: ${agent.port} }\n    steps:${lifecycle}\n`);
  projects.push(project);
  const run = await project.run([], { env: { ...noRunId, STRESS_SEGMENT: '1/2' } });
  expect(run.exitCode, run.output).toBe(2);
  expect(run.output).toContain('STRESS_SEGMENT=1/2 without a run id the generators share');
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
}, 60_000);

test('a segment timeout that is not 1..3600 seconds is refused', async () => {
  const project = await createStressProject(`jobs:\n  shared:\n    daemon: { host: ${agent.host}, port: ${agent.port} }\n    steps:${lifecycle}\n`);
  projects.push(project);
  const run = await project.run([], { env: { STRESS_RUN_ID: 'r3', STRESS_SEGMENT: '1/2', STRESS_SEGMENT_TIMEOUT_S: 'soon' } });
  expect(run.exitCode, run.output).toBe(2);
  expect(run.output).toContain('STRESS_SEGMENT_TIMEOUT_S="soon" is not a number of seconds from 1 to 3600');
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
}, 60_000);
