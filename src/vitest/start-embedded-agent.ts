import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createAgent } from '../agent/create-agent.ts';
import { flowRuntimes } from '../agent/flow-runtimes.ts';
import { preloadReferenceFlow } from '../agent/reference-flow-runtime.ts';
import type { DaemonAddress } from '../config/addresses.ts';
import type { Plan } from '../config/plan.ts';

export interface EmbeddedAgent {
  /** Token included: the embedded agent always has one (see below). */
  address: DaemonAddress;
  close(): Promise<void>;
}

/**
 * The agent the default run uses when the config names no daemon: on loopback, a free port,
 * workspaces in a temporary folder, flows on the reference runtime, plus the `process`
 * runtime when a job that uses this agent asks for it. It gets a random token, which only
 * this run knows: another local user or a web page cannot reach the agent that may run
 * uploaded executors. Closing it stops every flow it still runs, so an interrupted run
 * leaves nothing behind.
 */
export async function startEmbeddedAgent(_reportsDir: string, plan?: Plan): Promise<EmbeddedAgent> {
  const workspaceRoot = await mkdtemp(join(tmpdir(), 'jina-stress-agent-'));
  const token = randomBytes(24).toString('base64url');
  const runtimes = plan ? runtimesUsed(plan) : ['reference'];
  const agent = createAgent({ host: '127.0.0.1', port: 0, workspaceRoot, token, runtime: 'reference', runtimes });
  const { host, port } = await agent.listen();
  // The run's first start_flow then finds it loaded (a failed import is reported by that start).
  preloadReferenceFlow();
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await agent.close();
      await rm(workspaceRoot, { recursive: true, force: true });
    })());
  // On Ctrl+C the run stops in order and global teardown closes the agent (see
  // stop-run-on-interrupt.ts). When the process ends without that (a forced stop), the
  // agent's own exit hook kills its Flow process groups and this removes the workspaces
  // folder, synchronously.
  process.once('exit', () => rmSync(workspaceRoot, { recursive: true, force: true }));
  return { address: { host, port, token }, close };
}

/**
 * `reference`, and every runtime a start_flow step of a job without its own daemon names (an
 * unknown name is left to the step, which then fails with the agent's answer).
 */
function runtimesUsed(plan: Plan): string[] {
  const named = plan.jobs
    .filter((job) => !job.daemon)
    .flatMap((job) => job.steps)
    .flatMap((step) => (step.kind === 'start_flow' && step.params.runtime ? [step.params.runtime] : []))
    .filter((name) => Object.hasOwn(flowRuntimes, name));
  return [...new Set(['reference', ...named])];
}
