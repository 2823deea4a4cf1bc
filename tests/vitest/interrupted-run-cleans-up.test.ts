import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, type StressProject } from './support/stress-project.ts';

let agent: ExternalAgent;
let project: StressProject;

beforeAll(async () => {
  agent = await startExternalAgent();
  project = await createStressProject(`
jobs:
  long:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 120
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: terminate_flow
      - method: delete_workspace
`);
}, 30_000);

afterAll(async () => {
  await project?.remove();
  await agent?.close();
});

test('Ctrl+C during a load phase terminates the flow and deletes the workspace', async () => {
  let interruptedAt: number | undefined;
  let heldAtInterrupt: { flows: string[]; workspaces: string[] } | undefined;
  const run = await project.run([], {
    onOutput: (chunk, child) => {
      if (interruptedAt || !chunk.includes('closed model against')) return;
      interruptedAt = Date.now();
      void agent.holdings().then((held) => {
        heldAtInterrupt = held;
        // What a terminal does on Ctrl+C: SIGINT to the whole foreground process group.
        if (child.pid) process.kill(-child.pid, 'SIGINT');
      });
    },
  });
  expect(interruptedAt, run.output).toBeDefined();
  expect(Date.now() - (interruptedAt ?? 0)).toBeLessThan(60_000);
  expect(heldAtInterrupt?.flows).toHaveLength(1);
  expect(heldAtInterrupt?.workspaces).toHaveLength(1);
  expect(run.exitCode === 0 && run.signal === null).toBe(false);
  // The removal runs detached (Vitest exits 1 ms after the signal): wait for it, bounded.
  const deadline = Date.now() + 20_000;
  let held = await agent.holdings();
  while ((held.flows.length > 0 || held.workspaces.length > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    held = await agent.holdings();
  }
  expect(held).toEqual({ flows: [], workspaces: [] });
  const log = await readFile(join(project.reportsDir, 'interrupt-cleanup.log'), 'utf8');
  expect(log).toMatch(/long: flow \S+: (removed|already gone)/);
  expect(log).toMatch(/long: workspace \S+: (removed|already gone)/);
}, 120_000);
