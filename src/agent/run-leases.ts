import type { AgentLedger, LedgerLease } from './agent-ledger.ts';

export interface RunLease {
  runId: string;
  ttlS: number;
  expiresAt: Date;
}

/** Longest lease: an hour. A run that stops renewing is cleaned up within that. */
export const MAX_LEASE_TTL_S = 3600;

/**
 * Leases taken by runs (`PUT /runs/{id}/lease`). A run that stops renewing its lease (its
 * process was killed, its machine went away) has its Flows and workspaces removed when the
 * lease runs out. Runs that never took a lease never expire, as in JinaD.
 */
export class RunLeases {
  private readonly leases = new Map<string, LedgerLease>();
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;

  constructor(
    private readonly ledger: AgentLedger,
    private readonly onExpired: (runId: string) => Promise<void>,
  ) {}

  /** Restores leases of an earlier agent (still running ones only). */
  restore(leases: Record<string, LedgerLease>, nowMs = Date.now()): void {
    for (const [runId, lease] of Object.entries(leases)) {
      if (lease.expiresAtMs > nowMs) {
        this.leases.set(runId, lease);
        this.ledger.setLease(runId, lease);
      }
    }
    this.arm();
  }

  renew(runId: string, ttlS: number): RunLease {
    const lease = { ttlS, expiresAtMs: Date.now() + ttlS * 1000 };
    this.leases.set(runId, lease);
    this.ledger.setLease(runId, lease);
    this.arm();
    return toRunLease(runId, lease);
  }

  get(runId: string): RunLease | undefined {
    const lease = this.leases.get(runId);
    return lease && toRunLease(runId, lease);
  }

  has(runId: string): boolean {
    return this.leases.has(runId);
  }

  drop(runId: string): void {
    if (!this.leases.delete(runId)) return;
    this.ledger.deleteLease(runId);
    this.arm();
  }

  close(): void {
    this.isClosed = true;
    clearTimeout(this.timer);
  }

  /** One timer for the earliest expiry; unref'd so an idle agent in a test process lets it exit. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.isClosed || this.leases.size === 0) return;
    const nextMs = Math.min(...[...this.leases.values()].map((lease) => lease.expiresAtMs));
    // setTimeout's delay is a 32-bit number of ms; the leases are an hour at most anyway.
    const delayMs = Math.min(Math.max(nextMs - Date.now(), 0), 2 ** 31 - 1);
    this.timer = setTimeout(() => void this.expire(), delayMs);
    this.timer.unref();
  }

  private async expire(): Promise<void> {
    const nowMs = Date.now();
    const expired = [...this.leases].filter(([, lease]) => lease.expiresAtMs <= nowMs).map(([runId]) => runId);
    for (const runId of expired) {
      this.leases.delete(runId);
      this.ledger.deleteLease(runId);
    }
    this.arm();
    for (const runId of expired) await this.onExpired(runId);
  }
}

function toRunLease(runId: string, lease: LedgerLease): RunLease {
  return { runId, ttlS: lease.ttlS, expiresAt: new Date(lease.expiresAtMs) };
}
