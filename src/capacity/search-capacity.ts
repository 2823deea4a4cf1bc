import { performance } from 'node:perf_hooks';
import type { CapacityObjective, CapacityPlan, CapacityProbe, CapacityResult } from '../load/capacity-result.ts';
import type { LoadResult } from '../load/load-result.ts';
import { findBindingResource } from './find-binding-resource.ts';
import { findKnee } from './find-knee.ts';
import { judgeRuns } from './judge-probe.ts';
import { bisect, describeResolution, isResolved, PROBE_OVERHEAD_S, probeCostS, summarizePlan } from './search-plan.ts';

/** Seconds of the short phase at the start rate that checks the Flow has drained its queue. */
const DRAIN_CHECK_S = 1;
/** Drained: the check's median round trip within 1.5× (+5 ms) of the lowest median seen. */
const DRAINED_P50_FACTOR = 1.5;
const DRAINED_P50_SLACK_MS = 5;

/** Runs one open-model phase at `rate` for `durationS` (a warm-up or a measured probe). */
export type RunPhase = (phase: { rate: number; durationS: number; graceMs: number; key: string }) => Promise<LoadResult>;

export interface SearchCapacityOptions {
  plan: CapacityPlan;
  objective: CapacityObjective;
  runPhase: RunPhase;
  signal?: AbortSignal;
  log(message: string): void;
}

/** The search's answer and the measured phase to report with it (the highest passing rate's). */
export interface CapacitySearchOutcome {
  result: CapacityResult;
  /** The measured phase the step reports: the highest passing probe, else the last one run; absent when none ran. */
  report?: LoadResult;
}

/** How a rate went (a marginal probe's repeats decided together). */
type RateVerdict = 'passed' | 'failed' | 'saturated' | 'interrupted' | 'out-of-time';

/**
 * The search: probes from the start rate, multiplying by `growth` until one fails or max_rate
 * passes; then bisects [last passing, first failing] until it is within the resolution. Each
 * probe runs a warm-up at its rate (discarded: connections, JIT, the target's queue reaching
 * its level at this rate) and then the measured phase. A marginal probe is repeated up to
 * `maxRepeats` times: a clear run decides, and when every run is marginal the majority does
 * (a tie fails: sustainable means reliably). After a failing probe the target may still hold a
 * queue of requests the client gave up on; the search waits for it to drain (its size over the
 * rate the target achieved) before the next warm-up. Before every probe it checks that one more
 * fits in max_duration, so the search ends within it.
 */
export async function searchCapacity(options: SearchCapacityOptions): Promise<CapacitySearchOutcome> {
  const { plan, objective, runPhase, signal, log } = options;
  const startedMs = performance.now();
  const elapsedS = (): number => (performance.now() - startedMs) / 1000;
  const probes: CapacityProbe[] = [];
  const reports = new Map<number, LoadResult>();
  // Every cut-off request has waited at least this long: above every round-trip limit.
  const graceMs = Math.max(50, objective.p99Ms ?? 0, objective.p95Ms ?? 0);
  let worstProbeS = probeCostS(plan);
  /** Requests the last probe left in the target, not yet drained. */
  let queued = 0;
  /** The lowest median round trip of any measured run: the Flow without a queue. */
  let idleP50Ms = Infinity;

  const fitsAnother = (): boolean => elapsedS() + worstProbeS <= plan.maxDurationS;

  /**
   * After a probe that left requests queued in the target (cut off at the client, still work
   * for the Flow): wait what the queue should take at the highest rate achieved so far, then
   * check with a short phase at the start rate (which passed, or is being judged) that the
   * Flow answers promptly again; repeat while it does not, within the budget.
   */
  const drain = async (left: number): Promise<void> => {
    const serviceRate = Math.max(1, ...probes.map((probe) => probe.achievedRate));
    let waitS = left / serviceRate;
    for (let attempt = 1; attempt <= 5 && !signal?.aborted; attempt++) {
      const leftS = plan.maxDurationS - elapsedS() - worstProbeS - DRAIN_CHECK_S - PROBE_OVERHEAD_S;
      if (leftS <= 0) return;
      log(`waiting ${Math.min(waitS, leftS).toFixed(1)} s for the Flow to drain ${left} requests the last phase left queued`);
      await sleep(Math.min(waitS, leftS) * 1000, signal);
      const check = await runPhase({ rate: plan.startRate, durationS: DRAIN_CHECK_S, graceMs, key: `drain-check-${probes.length}-${attempt}` });
      // A queue still in front of them delays every request, the typical one included: drained
      // is when the typical request takes about what it took without a queue.
      if (check.cutOff === 0 && check.latency.count > 0 && check.latency.p50Ms <= Math.min(graceMs, idleP50Ms * DRAINED_P50_FACTOR + DRAINED_P50_SLACK_MS)) return;
      left = Math.max(check.cutOff, 1);
      waitS = Math.max(0.5, left / serviceRate);
    }
  };

  /** One measured run at `rate` after its warm-up (and the drain the last run called for). */
  const runOnce = async (rate: number, key: string): Promise<LoadResult | 'interrupted' | 'out-of-time'> => {
    if (queued > 0) {
      await drain(queued);
      queued = 0;
      if (!fitsAnother()) return 'out-of-time';
    }
    if (signal?.aborted) return 'interrupted';
    const startedAtMs = performance.now();
    if (plan.warmupS > 0) await runPhase({ rate, durationS: plan.warmupS, graceMs: 0, key: `${key}-warmup` });
    if (signal?.aborted) return 'interrupted';
    const report = await runPhase({ rate, durationS: plan.probeDurationS, graceMs, key });
    if (report.stoppedBy === 'signal') return 'interrupted';
    worstProbeS = Math.max(worstProbeS, (performance.now() - startedAtMs) / 1000);
    if (report.latency.count > 0) idleP50Ms = Math.min(idleP50Ms, report.latency.p50Ms);
    // What the target accepted and the client stopped waiting for is still its work.
    queued = report.cutOff;
    return report;
  };

  /** A probe at `rate`: runs until one is not marginal (pooled) or the repeats are spent. */
  const probeRate = async (rate: number, phase: CapacityProbe['phase']): Promise<RateVerdict> => {
    if (!fitsAnother()) return 'out-of-time';
    const index = probes.length + 1;
    const runs: LoadResult[] = [];
    let probe: CapacityProbe | undefined;
    for (let repeat = 0; repeat <= plan.maxRepeats; repeat++) {
      if (repeat > 0 && !fitsAnother()) break;
      const run = await runOnce(rate, `probe-${index}-run-${repeat + 1}`);
      if (run === 'out-of-time' && probe) break;
      if (typeof run === 'string') {
        if (probe) record(probe, runs);
        return run;
      }
      runs.push(run);
      probe = { index, phase, ...judgeRuns(runs, objective, plan.resolution, graceMs) };
      if (probe.generatorSaturated || !probe.marginal) break;
      log(`probe ${index} at ${formatRate(rate)} req/s is marginal (${probe.notes.join('; ')}): measuring it again`);
    }
    record(probe!, runs);
    if (probe!.generatorSaturated) return 'saturated';
    return probe!.passed ? 'passed' : 'failed';
  };

  const record = (probe: CapacityProbe, runs: LoadResult[]): void => {
    probes.push(probe);
    reports.set(probe.index, runs[runs.length - 1]!);
    log(describeProbe(probe));
  };

  let lastPassing: number | undefined;
  let firstFailing: number | undefined;
  let ended: SearchEnd | undefined;

  for (let rate = plan.startRate; ; rate = Math.min(plan.maxRate, rate * plan.growth)) {
    const offered = roundRate(rate);
    const verdict = await probeRate(offered, 'growth');
    if (verdict === 'passed') lastPassing = offered;
    else if (verdict === 'failed') firstFailing = offered;
    else ended = verdict === 'saturated' ? { status: 'saturated', rate: offered } : { status: verdict };
    if (verdict !== 'passed') break;
    if (rate >= plan.maxRate) {
      ended = { status: 'above-max-rate' };
      break;
    }
  }
  while (!ended && lastPassing !== undefined && firstFailing !== undefined && !isResolved(lastPassing, firstFailing, plan.resolution)) {
    const rate = bisect(lastPassing, firstFailing);
    const verdict = await probeRate(rate, 'bisection');
    if (verdict === 'passed') lastPassing = rate;
    else if (verdict === 'failed') firstFailing = rate;
    else ended = verdict === 'saturated' ? { status: 'saturated', rate } : { status: verdict };
  }

  const common = {
    objective,
    plan: summarizePlan(plan),
    probes,
    knee: findKnee(probes),
    binding: findBindingResource(probes),
    elapsedS: elapsedS(),
  };
  const result = decideCapacity(common, lastPassing, firstFailing, ended, plan);
  const chosen = [...probes].reverse().find((probe) => probe.passed && probe.offeredRate === lastPassing) ?? probes[probes.length - 1];
  const report = chosen ? reports.get(chosen.index) : undefined;
  return report ? { result, report: { ...report, capacity: result } } : { result };
}

/** Why the search stopped before its bracket was within the resolution (undefined: it was). */
export type SearchEnd = { status: 'saturated'; rate: number } | { status: 'interrupted' } | { status: 'out-of-time' } | { status: 'above-max-rate' };

export type SearchCommon = Omit<CapacityResult, 'status' | 'message'> & object;

/** The search's answer from its bracket and how it ended (exported for the regression gate's tests: results as the search builds them). */
export function decideCapacity(
  common: SearchCommon,
  lastPassing: number | undefined,
  firstFailing: number | undefined,
  ended: SearchEnd | undefined,
  plan: CapacityPlan,
): CapacityResult {
  const resolution = describeResolution(plan.resolution);
  if (ended?.status === 'interrupted') {
    return { ...common, status: 'interrupted', ...(lastPassing !== undefined ? { maxSustainableRate: lastPassing } : {}), ...(firstFailing !== undefined ? { firstFailingRate: firstFailing } : {}), message: 'the search was interrupted; the probes so far are kept' };
  }
  if (ended?.status === 'saturated') {
    return {
      ...common,
      status: 'generator-saturated',
      saturatedAtRate: ended.rate,
      ...(lastPassing !== undefined ? { maxSustainableRate: lastPassing } : {}),
      message: `the generator saturated at ${formatRate(ended.rate)} req/s: from there the probes would measure the generator, not the Flow`,
    };
  }
  if (ended?.status === 'above-max-rate' && lastPassing !== undefined) {
    return { ...common, status: 'above-max-rate', maxSustainableRate: lastPassing, message: `every probe up to max_rate ${formatRate(lastPassing)} req/s met the objective: the capacity is at least that` };
  }
  if (lastPassing === undefined && firstFailing !== undefined) {
    return { ...common, status: 'start-rate-fails', firstFailingRate: firstFailing, message: `even the start rate ${formatRate(firstFailing)} req/s breaks the objective` };
  }
  if (lastPassing !== undefined && firstFailing === undefined) {
    return { ...common, status: 'unresolved', maxSustainableRate: lastPassing, message: `max_duration ran out while growing: every probe up to ${formatRate(lastPassing)} req/s met the objective` };
  }
  if (lastPassing !== undefined && firstFailing !== undefined) {
    const resolved = isResolved(lastPassing, firstFailing, plan.resolution);
    return {
      ...common,
      status: resolved ? 'found' : 'unresolved',
      maxSustainableRate: lastPassing,
      firstFailingRate: firstFailing,
      message: resolved
        ? `sustains ${formatRate(lastPassing)} req/s within the objective; ${formatRate(firstFailing)} req/s breaks it (resolution ${resolution})`
        : `max_duration ran out at the bracket ${formatRate(lastPassing)}–${formatRate(firstFailing)} req/s, wider than the resolution ${resolution}`,
    };
  }
  return { ...common, status: 'interrupted', message: 'no probe fitted in max_duration' };
}

function roundRate(rate: number): number {
  return Math.round(rate * 100) / 100;
}

export function formatRate(rate: number): string {
  return rate.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** One log line per probe: what was offered, what came back, the verdict and why. */
export function describeProbe(probe: CapacityProbe): string {
  const verdict = probe.passed ? 'pass' : 'FAIL';
  const repeat = probe.runs > 1 ? `, ${probe.runs} runs pooled` : '';
  const marginal = probe.marginal ? ', marginal' : '';
  const notes = probe.notes.length > 0 ? `: ${probe.notes.join('; ')}` : '';
  return (
    `probe ${probe.index} (${probe.phase}${repeat}) at ${formatRate(probe.offeredRate)} req/s: achieved ${formatRate(Math.round(probe.achievedRate * 10) / 10)}, ` +
    `p50 ${probe.p50Ms.toFixed(1)} / p99 ${probe.p99Ms.toFixed(1)} ms, ${probe.errors} errors, ${probe.cutOff} cut off — ${verdict}${marginal}${notes}`
  );
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
