import { afterAll, beforeAll, expect, test } from 'vitest';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { createStressProject, type StressProject } from './support/stress-project.ts';

let agent: ExternalAgent;
let project: StressProject;

beforeAll(async () => {
  agent = await startExternalAgent();
  project = await createStressProject(`jobs:
  broken:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [no-such-flow.yml]
      - method: index
        num_clientz: 4
`);
}, 30_000);

afterAll(async () => {
  await project?.remove();
  await agent?.close();
});

test('every problem is printed with its line and column, and nothing is contacted', async () => {
  const run = await project.run();
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain('[CONFIG_INVALID]');
  expect(run.output).toMatch(/stress\.yaml:6:\d+\s+jobs\.broken\.steps\[0\]\.files\[0\]/);
  expect(run.output).toMatch(/stress\.yaml:8:9\s+jobs\.broken\.steps\[1\]\.num_clientz/);
  expect(run.output).toContain('num_clients');
  expect(run.steps).toBeUndefined();
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
}, 60_000);
