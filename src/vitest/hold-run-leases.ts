import type { DaemonAddress } from '../config/plan.ts';
import type { DaemonApi } from '../daemon/daemon-api.ts';
import { isStressError } from '../errors.ts';
import { describeErrorRedacted } from '../report/redact-secrets.ts';

export interface RunLeases {
  /** Stops renewing (the run is ending: its resources are removed by run id next). */
  stop(): void;
}

/** Seconds an agent keeps a run's resources after the last renewal: how long a leak can live. */
export const LEASE_TTL_S = 60;
/** Renewed this often, so two missed renewals still leave time. */
const renewEveryMs = (LEASE_TTL_S * 1000) / 4;

/**
 * Holds a lease on the run on every daemon it uses, from Vitest's main process, renewed
 * while the run lives. If this process dies without removing what the run created (SIGKILL,
 * a machine that went away), each agent removes it once the lease runs out. A daemon that
 * refuses the lease (a real JinaD has no `/runs`) is said once and left alone: the jobs'
 * own teardown still removes what they create there.
 */
export function holdRunLeases(runId: string, daemons: readonly DaemonAddress[], log: (line: string) => void): RunLeases {
  // The daemon client (axios) loads with the first renewal, after global setup: the suite
  // worker starts meanwhile instead of waiting for it.
  const clientModule = import('../daemon/create-daemon-client.ts');
  const holders = daemons.map((address) => ({
    address,
    client: clientModule.then(({ createDaemonClient }) => createDaemonClient({ ...address, retries: 1, timeoutMs: 10_000 })),
    isRefused: false,
  }));
  const renew = async (holder: { address: DaemonAddress; client: Promise<DaemonApi>; isRefused: boolean }) => {
    if (holder.isRefused) return;
    try {
      await (await holder.client).renewLease(runId, LEASE_TTL_S);
    } catch (error) {
      const message = describeErrorRedacted(error, holder.address.token ? [holder.address.token] : []);
      const status = isStressError(error, 'DAEMON_HTTP') ? error.details?.httpStatus : undefined;
      if (status === 404 || status === 405) holder.isRefused = true;
      log(`jina-stress: no lease on ${holder.address.host}:${holder.address.port} for run ${runId}: ${message}`);
    }
  };
  const renewAll = () => Promise.all(holders.map(renew));
  void renewAll();
  const timer = setInterval(() => void renewAll(), renewEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The distinct daemons of a run (one entry per host:port; the first token named wins). */
export function distinctDaemons(addresses: ReadonlyArray<DaemonAddress | undefined>): DaemonAddress[] {
  const byAddress = new Map<string, DaemonAddress>();
  for (const address of addresses) {
    if (address && !byAddress.has(`${address.host}:${address.port}`)) byAddress.set(`${address.host}:${address.port}`, address);
  }
  return [...byAddress.values()];
}
