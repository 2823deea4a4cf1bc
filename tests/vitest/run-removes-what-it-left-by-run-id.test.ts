import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasLiveMember } from '../../src/agent/process-group.ts';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, type StressProject, type StressRun } from './support/stress-project.ts';

// Issue 9 item 6, plugin side. Everything a run creates carries its run id; Vitest's main
// process holds a lease on the run on every daemon, and at the end — whatever ended it —
// removes by run id what is left. Here the suite worker is killed with SIGKILL mid-step (what
// the OOM killer does: no cleanup code of the worker runs), and a run is forced down with a
// second Ctrl+C.
const phaseS = 120;

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
        execution_time: ${phaseS}
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: terminate_flow
      - method: delete_workspace
`);
}, 30_000);

afterAll(async () => {
  await project?.remove();
  await agent?.close();
});

/** Vitest worker processes (children running workers/forks.js) of `parentPid`. */
function suiteWorkers(parentPid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === parentPid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('workers/forks');
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface Observed {
  run: StressRun;
  runIds: Array<string | undefined>;
  lease: Awaited<ReturnType<ExternalAgent['run']>> | undefined;
  endedMs: number;
  pgid: number;
}

/** Runs the project; once the load phase runs, looks at the agent, then does `act` to the run. */
async function runAndAct(act: (vitestPid: number) => void): Promise<Observed> {
  let seen = false;
  let actedAt = 0;
  let pgid = 0;
  const observed: Partial<Observed> = {};
  const run = await project.run([], {
    onOutput: (chunk, child) => {
      pgid = child.pid ?? 0;
      if (seen || !chunk.includes('closed model against')) return;
      seen = true;
      void (async () => {
        observed.runIds = await agent.runIdsHeld();
        observed.lease = observed.runIds[0] ? await agent.run(observed.runIds[0]) : undefined;
        actedAt = Date.now();
        act(pgid);
      })();
    },
  });
  return { run, runIds: observed.runIds ?? [], lease: observed.lease, endedMs: Date.now() - actedAt, pgid };
}

function expectTaggedAndLeased(observed: Observed): void {
  // A flow and a workspace, both carrying the one run id of this `vitest run`...
  expect(observed.runIds).toHaveLength(2);
  expect(new Set(observed.runIds).size).toBe(1);
  expect(observed.runIds[0]).toMatch(/^run-\d{8}T\d{6}Z\.[0-9a-f]{8}$/);
  // ...which holds a lease on the agent while it runs.
  expect(observed.lease?.lease?.ttl_s).toBe(60);
  expect(observed.lease).toMatchObject({ flows: [expect.any(String)], workspaces: [expect.any(String)] });
}

describe('the suite worker killed with SIGKILL mid-step', () => {
  let observed: Observed;
  beforeAll(async () => {
    observed = await runAndAct((vitestPid) => {
      const workers = suiteWorkers(vitestPid);
      expect(workers).toHaveLength(1);
      process.kill(workers[0]!, 'SIGKILL');
    });
  }, 120_000);

  test('what the run created carried its run id and was leased', () => {
    expectTaggedAndLeased(observed);
  });

  test('the main process removes the flow and the workspace by run id, and says so', async () => {
    expect(observed.run.exitCode, observed.run.output).not.toBe(0);
    expect(observed.run.output).toContain(`removed what the run left on ${agent.host}:${agent.port}: 1 flow(s), 1 workspace(s)`);
    expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
    expect((await agent.run(observed.runIds[0]!)).flows).toEqual([]);
  });

  test('ends long before the phase would have, with no process left', async () => {
    expect(observed.endedMs).toBeLessThan((phaseS * 1000) / 2);
    await expect.poll(() => hasLiveMember(observed.pgid), { timeout: 10_000, interval: 100 }).toBe(false);
  });
});

describe('a second Ctrl+C forces the run down', () => {
  let observed: Observed;
  beforeAll(async () => {
    observed = await runAndAct((vitestPid) => {
      process.kill(-vitestPid, 'SIGINT');
      setTimeout(() => process.kill(-vitestPid, 'SIGINT'), 50);
    });
  }, 120_000);

  test('exits 130 at once and removes the run on the daemon before exiting', async () => {
    expectTaggedAndLeased(observed);
    expect(observed.run.exitCode, observed.run.output).toBe(130);
    expect(observed.run.output).toContain('SIGINT again: stopping at once');
    // Checked right after the exit: the removal ran before the process ended, not after.
    expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
    await expect.poll(() => hasLiveMember(observed.pgid), { timeout: 10_000, interval: 100 }).toBe(false);
  });
});
