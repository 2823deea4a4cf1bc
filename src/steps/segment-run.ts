import type { BarrierState, DaemonApi } from '../daemon/daemon-api.ts';
import { StressError } from '../errors.ts';
import type { LoadSegment } from '../load/load-segment.ts';

/** Seconds of one long poll: well under what proxies tolerate; the loop bounds the whole wait. */
const POLL_S = 25;

/** Default bound of every wait for the other generators (STRESS_SEGMENT_TIMEOUT_S). */
export const DEFAULT_SEGMENT_TIMEOUT_S = 300;

export interface SegmentRunOptions {
  segment: LoadSegment;
  /** The run id every generator shares, in the agent's alphabet (segment 1's resources carry it). */
  runId: string;
  /** Position of the job in the plan: barrier names are built from positions, not names. */
  jobIndex: number;
  /** Bound of each wait for the others (the Flow to appear, a phase start, their being done). */
  timeoutS: number;
  /** `host:port` of the agent, for messages. */
  agent: string;
}

/** How a phase start went: the moment agreed through the agent, and who was not there. */
export interface AgreedStart {
  /** On the agent's clock. */
  startAt: Date;
  localStartEpochMs: number;
  missing: number[];
}

/**
 * One generator's side of a job run from several machines, met through the job's agent:
 * segment 1 owns the lifecycle and says which Flow it started; every generator starts each
 * load phase at one moment agreed through the agent; segment 1 tears down once every
 * generator said it is done. Every wait is bounded by `timeoutS` (a barrier opens at its
 * deadline with the missing generators named), so a dead generator never hangs the others.
 */
export class SegmentRun {
  /** Generators that did not report done at an earlier teardown. */
  private readonly gone = new Set<number>();

  constructor(
    private readonly daemon: DaemonApi,
    readonly options: SegmentRunOptions,
  ) {}

  get isOwner(): boolean {
    return this.options.segment.index === 1;
  }

  get label(): string {
    return `${this.options.segment.index}/${this.options.segment.count}`;
  }

  /** The longest a step may spend waiting here, for its Vitest timeout. */
  get waitBoundMs(): number {
    return (this.options.timeoutS + POLL_S + 15) * 1000;
  }

  /** Segment 1, after its start_flow: which Flow (none: its start failed, the others stop waiting). */
  async shareFlow(stepIndex: number, flowId: string | undefined): Promise<void> {
    await this.arrive(this.barrier(stepIndex, 'flow'), { waitS: 0, ...(flowId ? { note: flowId } : {}) });
  }

  /** The other segments: the id of the Flow segment 1 started at this step, waited for. */
  async findFlow(stepIndex: number, signal: AbortSignal): Promise<string> {
    const name = this.barrier(stepIndex, 'flow');
    const state = await this.waitUntil(name, signal, (current) => current.arrived.includes(1));
    const flowId = state.notes['1'];
    if (flowId) return flowId;
    const { runId, agent, timeoutS } = this.options;
    if (state.arrived.includes(1)) {
      throw new StressError('STEP_PREREQUISITE', `segment 1 of run ${runId} could not start its Flow (agent ${agent}): nothing to send load to`, {
        hint: "segment 1's log says why its start_flow failed",
      });
    }
    throw new StressError('STEP_PREREQUISITE', `no Flow of run ${runId} appeared on agent ${agent} within ${timeoutS}s: segment 1 did not start it`, {
      hint: `start segment 1 with the same STRESS_RUN_ID (${runId}) and agent, or raise STRESS_SEGMENT_TIMEOUT_S if it starts later than the others`,
    });
  }

  /**
   * Every segment, its clients ready to send: waits for the others (or the timeout) and
   * returns the agreed start, `localStartEpochMs` on this process's clock (the time left that
   * the agent gave, from when its answer came: clocks that differ do not matter).
   */
  async agreePhaseStart(stepIndex: number, signal: AbortSignal): Promise<AgreedStart> {
    const state = await this.waitUntil(this.barrier(stepIndex, 'start'), signal, () => false);
    const answeredAtMs = performance.timeOrigin + performance.now();
    if (state.status !== 'released') throw new StressError('INTERNAL', 'a barrier answered as waiting after its wait');
    return { startAt: state.startAt, localStartEpochMs: answeredAtMs + state.startsInMs, missing: state.missing };
  }

  /** A generator that skips a phase (an earlier step failed) says so: the others need not wait for it. */
  async passPhaseStart(stepIndex: number): Promise<void> {
    await this.arrive(this.barrier(stepIndex, 'start'), { waitS: 0 });
  }

  /** The other segments, where segment 1 tears down (`at`: a step index, or 'end' after the job's last step). */
  async reportDone(at: number | 'end'): Promise<void> {
    await this.arrive(this.doneBarrier(at), { waitS: 0 });
  }

  /**
   * Segment 1, before it tears down: waits until every generator is done, or the timeout.
   * Returns the missing ones. A generator that missed an earlier teardown is not waited for
   * again: a dead generator costs the timeout once, not at every teardown step.
   */
  async awaitDone(at: number | 'end', signal: AbortSignal): Promise<number[]> {
    const expected = Array.from({ length: this.options.segment.count }, (_, position) => position + 1).filter((party) => !this.gone.has(party));
    const state = await this.waitUntil(this.doneBarrier(at), signal, (current) => expected.every((party) => current.arrived.includes(party)));
    const missing = Array.from({ length: this.options.segment.count }, (_, position) => position + 1).filter((party) => !state.arrived.includes(party));
    for (const party of missing) this.gone.add(party);
    return missing;
  }

  private doneBarrier(at: number | 'end'): string {
    return at === 'end' ? `job${this.options.jobIndex}.end` : this.barrier(at, 'done');
  }

  private barrier(stepIndex: number, what: 'flow' | 'start' | 'done'): string {
    return `job${this.options.jobIndex}.step${stepIndex}.${what}`;
  }

  private arrive(name: string, extra: { waitS: number; note?: string }): Promise<BarrierState> {
    const { segment, runId, timeoutS } = this.options;
    return this.daemon.arriveAtBarrier(runId, name, { party: segment.index, parties: segment.count, timeoutS, ...extra });
  }

  /** Long polls until `isDone` or the barrier opens; bounded by the barrier's own deadline plus a margin. */
  private async waitUntil(name: string, signal: AbortSignal, isDone: (state: BarrierState) => boolean): Promise<BarrierState> {
    const deadline = Date.now() + this.waitBoundMs;
    let state = await this.arrive(name, { waitS: 0 });
    while (state.status !== 'released' && !isDone(state)) {
      signal.throwIfAborted();
      const leftS = (deadline - Date.now()) / 1000;
      if (leftS <= 0) {
        throw new StressError('STEP_FAILED', `barrier ${name} of run ${this.options.runId} on agent ${this.options.agent} never opened`, {
          hint: 'the agent should open it at its deadline: is it the same agent for every generator?',
        });
      }
      state = await this.arrive(name, { waitS: Math.min(POLL_S, Math.max(1, Math.ceil(leftS))) });
    }
    return state;
  }
}
