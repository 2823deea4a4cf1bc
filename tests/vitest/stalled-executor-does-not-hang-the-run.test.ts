import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hasLiveMember } from '../../src/agent/process-group.ts';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// The fault from issue 9 item 4: an executor that stalls far past the phase (10 minutes per
// request). Before the fix `npx vitest run` never exited: the Flow's close waited for the
// stalled requests, terminate_flow timed out, delete_workspace failed on a 404, the step said
// "0 sent … is the Flow running?" and a false "interrupted" line was printed. One job on the
// embedded agent (inside Vitest's own process), one on an agent the config names.
const stallMs = 600_000;
const executionTimeS = 2;
const clients = 3;

let agent: ExternalAgent;
let project: StressProject;
let run: StressRun;
let runMs: number;
let childPid: number | undefined;

beforeAll(async () => {
  agent = await startExternalAgent();
  const job = (name: string, daemon: string) => `
  ${name}:
${daemon}    steps:
      - method: create_workspace
        files: [stall.yml]
      - method: start_flow
        file: stall.yml
      - method: index
        execution_time: ${executionTimeS}
        num_clients: ${clients}
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: terminate_flow
      - method: delete_workspace`;
  project = await createStressProject(
    `jobs:${job('embedded', '')}${job('external', `    daemon: { host: ${agent.host}, port: ${agent.port} }\n`)}\n`,
  );
  await writeFile(
    join(project.dir, 'stall.yml'),
    `jtype: Flow\nwith: { protocol: grpc }\nexecutors:\n  - name: stall\n    uses: FaultExecutor\n    uses_with: { latency_ms: ${stallMs} }\n`,
  );
  const startedAt = Date.now();
  // Were the run to wait for the stall, it would last stallMs: give up long before.
  const watchdog = setTimeout(() => childPid && process.kill(-childPid, 'SIGKILL'), stallMs / 4);
  run = await project.run([], { onOutput: (_chunk, child) => (childPid = child.pid) });
  clearTimeout(watchdog);
  runMs = Date.now() - startedAt;
}, stallMs / 4 + 30_000);

afterAll(async () => {
  await project?.remove();
  await agent?.close();
});

test('the run exits on its own, long before the stalled requests would have ended', () => {
  expect(run.signal, run.output).toBeNull();
  // Ground truth is the config: the stalled executor answers after stallMs. Any wait on it
  // (close, terminate, teardown) would put the run past that; the run ends well inside it.
  expect(runMs).toBeLessThan(stallMs / 4);
  expect(run.exitCode).toBe(1);
});

test('the load step reports the requests as cut off, not "0 sent … is the Flow running?"', () => {
  for (const job of ['embedded', 'external']) {
    const index = run.steps?.find((step) => step.job === job && step.step === 'index');
    expect(index?.state).toBe('failed');
    expect(index?.summaries[0]).toMatch(new RegExp(`^0 req, 0 docs in [\\d.]+s: .*, ${clients} cut off in flight at the end`));
    expect(index?.error).toContain(`no request succeeded (${clients} sent: none answered, ${clients} cut off in flight when the phase ended)`);
  }
  expect(run.output).not.toMatch(/is the Flow running/);
});

test('teardown steps pass: the Flow stops within its grace, nothing already gone counts as a failure', () => {
  expect(statesOf(run)).toMatchObject({
    'embedded › terminate_flow': 'passed',
    'embedded › delete_workspace': 'passed',
    'external › terminate_flow': 'passed',
    'external › delete_workspace': 'passed',
  });
  expect(run.output).not.toMatch(/interrupted/);
  expect(run.output).not.toMatch(/something prevents Vite server from exiting|close timed out/);
});

test('nothing is left running: no process of the run, no flow or workspace on the agent', async () => {
  expect(childPid).toBeDefined();
  // The output closes as the last process lets go of it; it may still be exiting then.
  await expect.poll(() => hasLiveMember(childPid!), { timeout: stallMs / 4 - runMs, interval: 100 }).toBe(false);
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
});
