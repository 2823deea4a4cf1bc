import { spawnSync } from 'node:child_process';
import type { DaemonAddress } from '../config/addresses.ts';
import { isStressError } from '../errors.ts';
import { describeErrorRedacted } from '../report/redact-secrets.ts';
import { isCompiledModule, siblingModuleUrl } from '../sibling-module-url.ts';
import { tsxApiUrl } from '../tsx-api-url.ts';

/** What the run removes at its end: everything it created, on each daemon it used. */
export interface RunLeftovers {
  runId: string;
  daemons: DaemonAddress[];
}

export type DaemonRemoval =
  | { status: 'removed'; daemon: string; flows: string[]; workspaces: string[] }
  /** A daemon without `/runs` (a real JinaD 1.x): the jobs' own teardown is all there is there. */
  | { status: 'unsupported'; daemon: string }
  | { status: 'failed'; daemon: string; message: string };

/**
 * `DELETE /runs/{id}` on every daemon the run used: the one routine that removes what a run
 * left, whatever ended it — its normal end (after each job's own teardown, usually nothing is
 * left), a suite worker that died (SIGKILL, the OOM killer), an interrupt. Idempotent on the
 * agent; each daemon is tried on its own. A daemon without `/runs` (a real JinaD 1.x) cannot
 * be asked: the jobs' own teardown is all there is there.
 */
export async function removeLeftovers(leftovers: RunLeftovers, timeoutMs = 15_000): Promise<DaemonRemoval[]> {
  // Imported here, at the run's end: global setup imports this module, and the daemon client
  // (axios) need not load before the first step.
  const { createDaemonClient } = await import('../daemon/create-daemon-client.ts');
  return Promise.all(
    leftovers.daemons.map(async (address): Promise<DaemonRemoval> => {
      const daemon = `${address.host}:${address.port}`;
      try {
        const client = createDaemonClient({ ...address, retries: 2, timeoutMs });
        const removed = await client.deleteRun(leftovers.runId);
        return { status: 'removed', daemon, flows: removed.flows, workspaces: removed.workspaces };
      } catch (error) {
        const httpStatus = isStressError(error, 'DAEMON_HTTP') ? error.details?.httpStatus : undefined;
        if (httpStatus === 404 || httpStatus === 405) return { status: 'unsupported', daemon };
        return { status: 'failed', daemon, message: describeErrorRedacted(error, address.token ? [address.token] : []) };
      }
    }),
  );
}

/** Lines for the console: only what was left over or could not be removed. */
export function describeRemovals(removals: readonly DaemonRemoval[]): string[] {
  return removals.flatMap((removal) => {
    if (removal.status === 'unsupported') return [];
    if (removal.status === 'failed') return [`could not remove what the run left on ${removal.daemon}: ${removal.message}`];
    const count = removal.flows.length + removal.workspaces.length;
    if (count === 0) return [];
    return [`removed what the run left on ${removal.daemon}: ${removal.flows.length} flow(s), ${removal.workspaces.length} workspace(s)`];
  });
}

/**
 * `removeLeftovers` run to completion before this returns, for a process about to exit from a
 * signal handler: a child process (remove-leftovers-main.ts) waited for synchronously, bounded
 * by `timeoutMs`. Its lines go to this process's stderr.
 */
export function removeLeftoversNow(leftovers: RunLeftovers, timeoutMs = 12_000): void {
  const remover = siblingModuleUrl('./remove-leftovers-main.ts', import.meta.url);
  // The sources need tsx's loader; the compiled package's remover is plain JavaScript.
  const register = isCompiledModule(import.meta.url) ? '' : `import { register } from ${JSON.stringify(tsxApiUrl())}; register(); `;
  const script = `${register}await import(${JSON.stringify(remover)});`;
  spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(leftovers),
    stdio: ['pipe', 'ignore', 'inherit'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
}
