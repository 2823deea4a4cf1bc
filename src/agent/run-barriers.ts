import { agentHttpError } from './agent-http-error.ts';

/** What one party says on arriving at a barrier (POST /runs/{id}/barriers/{name}). */
export interface BarrierArrival {
  /** 1..parties: the generator's segment index. */
  party: number;
  parties: number;
  /** From the first arrival: the barrier opens this long after it even if parties are missing. */
  timeoutS: number;
  /** Milliseconds between the release and the agreed start: time for the answer to reach every party. */
  leadMs: number;
  /** A short id the party shares with the others (segment 1: the Flow it started). */
  note?: string;
}

export type BarrierView =
  | { status: 'waiting'; runId: string; name: string; parties: number; arrived: number[]; notes: Record<string, string>; deadline: Date }
  | {
      status: 'released';
      runId: string;
      name: string;
      parties: number;
      arrived: number[];
      notes: Record<string, string>;
      deadline: Date;
      releasedBy: 'all_arrived' | 'timeout';
      /** Parties that had not arrived when it opened (a timeout). */
      missing: number[];
      startAt: Date;
    };

interface Barrier {
  runId: string;
  name: string;
  parties: number;
  leadMs: number;
  arrived: Set<number>;
  notes: Map<number, string>;
  deadlineMs: number;
  released?: { by: 'all_arrived' | 'timeout'; missing: number[]; startAtMs: number };
  timer?: NodeJS.Timeout;
  /** Woken (and cleared) on every arrival and on the release: long polls answer then. */
  listeners: Set<() => void>;
}

/** At most this many barriers at once on an agent: a flood of names cannot grow it without bound. */
export const MAX_BARRIERS = 4096;
/** A released barrier keeps answering late arrivals with the same start this long, then goes. */
export const RELEASED_BARRIER_KEEP_MS = 10 * 60_000;

/**
 * Rendezvous points of runs, in memory: the generators of one distributed run meet here to
 * learn the Flow segment 1 started, to start each load phase at one agreed moment, and to
 * tell segment 1 they are done before it tears down. A barrier opens when all its parties
 * have arrived, or at its deadline with the missing ones named: a generator that died
 * holds the others up to the timeout, never longer. Nothing here reaches a process or the disk.
 */
export class RunBarriers {
  private readonly barriers = new Map<string, Barrier>();
  private isClosed = false;

  arrive(runId: string, name: string, arrival: BarrierArrival, nowMs = Date.now()): BarrierView {
    let barrier = this.barriers.get(keyOf(runId, name));
    if (!barrier) {
      if (this.barriers.size >= MAX_BARRIERS) {
        throw agentHttpError(429, `the agent holds ${MAX_BARRIERS} barriers already`, {
          hint: 'barriers go 10 minutes after they open; try again later',
        });
      }
      barrier = {
        runId,
        name,
        parties: arrival.parties,
        leadMs: arrival.leadMs,
        arrived: new Set(),
        notes: new Map(),
        deadlineMs: nowMs + arrival.timeoutS * 1000,
        listeners: new Set(),
      };
      this.barriers.set(keyOf(runId, name), barrier);
      const opened = barrier;
      opened.timer = setTimeout(() => this.release(opened, 'timeout'), arrival.timeoutS * 1000);
      opened.timer.unref();
    } else if (barrier.parties !== arrival.parties) {
      throw agentHttpError(409, `barrier ${name} of run ${runId} is for ${barrier.parties} parties, not ${arrival.parties}`, {
        hint: 'every generator of a run needs the same n in STRESS_SEGMENT=i/n',
      });
    }
    const isNew = !barrier.arrived.has(arrival.party);
    barrier.arrived.add(arrival.party);
    if (arrival.note !== undefined) barrier.notes.set(arrival.party, arrival.note);
    if (!barrier.released && barrier.arrived.size === barrier.parties) this.release(barrier, 'all_arrived');
    else if (isNew || arrival.note !== undefined) this.wake(barrier);
    return toView(barrier);
  }

  get(runId: string, name: string): BarrierView | undefined {
    const barrier = this.barriers.get(keyOf(runId, name));
    return barrier && toView(barrier);
  }

  /**
   * Resolves on the barrier's next change (an arrival, a note, the release), after `waitMs`,
   * or when `signal` aborts (the client went away): a long poll holds nothing afterwards.
   */
  async waitForChange(runId: string, name: string, waitMs: number, signal: AbortSignal): Promise<void> {
    const barrier = this.barriers.get(keyOf(runId, name));
    if (!barrier || barrier.released || waitMs <= 0 || this.isClosed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        barrier.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal.addEventListener('abort', done, { once: true });
      barrier.listeners.add(done);
    });
  }

  close(): void {
    this.isClosed = true;
    for (const barrier of [...this.barriers.values()]) this.forget(barrier);
  }

  private release(barrier: Barrier, by: 'all_arrived' | 'timeout'): void {
    if (barrier.released) return;
    const nowMs = Date.now();
    const missing = Array.from({ length: barrier.parties }, (_, position) => position + 1).filter((party) => !barrier.arrived.has(party));
    barrier.released = { by, missing, startAtMs: nowMs + barrier.leadMs };
    clearTimeout(barrier.timer);
    barrier.timer = setTimeout(() => this.forget(barrier), RELEASED_BARRIER_KEEP_MS);
    barrier.timer.unref();
    this.wake(barrier);
  }

  private forget(barrier: Barrier): void {
    clearTimeout(barrier.timer);
    if (this.barriers.get(keyOf(barrier.runId, barrier.name)) === barrier) this.barriers.delete(keyOf(barrier.runId, barrier.name));
    this.wake(barrier);
  }

  private wake(barrier: Barrier): void {
    const listeners = [...barrier.listeners];
    barrier.listeners.clear();
    for (const listener of listeners) listener();
  }
}

function keyOf(runId: string, name: string): string {
  // Both are [A-Za-z0-9._-]: a slash cannot occur in either.
  return `${runId}/${name}`;
}

function toView(barrier: Barrier): BarrierView {
  const common = {
    runId: barrier.runId,
    name: barrier.name,
    parties: barrier.parties,
    arrived: [...barrier.arrived].sort((a, b) => a - b),
    notes: Object.fromEntries([...barrier.notes].sort(([a], [b]) => a - b).map(([party, note]) => [String(party), note])),
    deadline: new Date(barrier.deadlineMs),
  };
  if (!barrier.released) return { status: 'waiting', ...common };
  return { status: 'released', ...common, releasedBy: barrier.released.by, missing: barrier.released.missing, startAt: new Date(barrier.released.startAtMs) };
}
