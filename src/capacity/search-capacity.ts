import { performance } from 'node:perf_hooks';
import type { CapacityObjective, CapacityProbe, CapacityResult } from '../load/capacity-result.ts';
import type { LoadResult } from '../load/load-result.ts';
import { findBindingResource } from './find-binding-resource.ts';
import { findKnee } from './find-knee.ts';
import { judgeProbe } from './judge-probe.ts';
import { bisect, describeResolution, isResolved, probeCostS, summarizePlan, type CapacityPlan } from './search-plan.ts';

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

interface RateVerdict {
  passed: boolean;
  saturated: boolean;
  interrupted: boolean;
}

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
  let drainS = 0;

  const fitsAnother = (): boolean => elapsedS() + drainS + worstProbeS <= plan.maxDurationS;

  const runOnce = async (rate: number, phase: CapacityProbe['phase'], repeat: number): Promise<CapacityProbe | undefined> => {
    if (drainS > 0) {
      log(`waiting ${drainS.toFixed(1)} s for the Flow to drain the requests the last probe left queued`);
      await sleep(drainS * 1000, signal);
      drainS = 0;
    }
    if (signal?.aborted) return undefined;
    const probeStartedMs = performance.now();
    const key = `probe-${probes.length + 1}`;
    if (plan.warmupS > 0) await runPhase({ rate, durationS: plan.warmupS, graceMs: 0, key: `${key}-warmup` });
    if (signal?.aborted) return undefined;
    const report = await runPhase({ rate, durationS: plan.probeDurationS, graceMs, key });
    if (report.stoppedBy === 'signal') return undefined;
    worstProbeS = Math.max(worstProbeS, (performance.now() - probeStartedMs) / 1000);
    const judged = judgeProbe(report, objective, plan.resolution, graceMs);
    const probe: CapacityProbe = { index: probes.length + 1, phase, repeat, ...judged };
    probes.push(probe);
    reports.set(probe.index, report);
    // What the target accepted and the client stopped waiting for is still its work.
    if (report.cutOff > 0) drainS = Math.min(plan.probeDurationS, report.cutOff / Math.max(probe.achievedRate, 1));
    log(describeProbe(probe));
    return probe;
  };

  const probeRate = async (rate: number, phase: CapacityProbe['phase']): Promise<RateVerdict | undefined> => {
    if (!fitsAnother()) return undefined;
    const runs: CapacityProbe[] = [];
    for (let repeat = 0; repeat <= plan.maxRepeats; repeat++) {
      if (repeat > 0 && !fitsAnother()) break;
      const probe = await runOnce(rate, phase, repeat);
      if (!probe) return { passed: false, saturated: false, interrupted: true };
      runs.push(probe);
      if (probe.generatorSaturated) return { passed: false, saturated: true, interrupted: false };
      if (!probe.marginal) return { passed: probe.passed, saturated: false, interrupted: false };
    }
    const passes = runs.filter((run) => run.passed).length;
    return { passed: passes * 2 > runs.length, saturated: false, interrupted: false };
  };

  let lastPassing: number | undefined;
  let firstFailing: number | undefined;
  let ended: { status: 'saturated'; rate: number } | { status: 'interrupted' } | { status: 'out-of-time' } | { status: 'above-max-rate' } | undefined;

  for (let rate = plan.startRate; ; rate = Math.min(plan.maxRate, rate * plan.growth)) {
    const verdict = await probeRate(roundRate(rate), 'growth');
    if (!verdict) {
      ended = { status: 'out-of-time' };
      break;
    }
    if (verdict.interrupted) {
      ended = { status: 'interrupted' };
      break;
    }
    if (verdict.saturated) {
      ended = { status: 'saturated', rate: roundRate(rate) };
      break;
    }
    if (!verdict.passed) {
      firstFailing = roundRate(rate);
      break;
    }
    lastPassing = roundRate(rate);
    if (rate >= plan.maxRate) {
      ended = { status: 'above-max-rate' };
      break;
    }
  }
  while (!ended && lastPassing !== undefined && firstFailing !== undefined && !isResolved(lastPassing, firstFailing, plan.resolution)) {
    const rate = bisect(lastPassing, firstFailing);
    const verdict = await probeRate(rate, 'bisection');
    if (!verdict) ended = { status: 'out-of-time' };
    else if (verdict.interrupted) ended = { status: 'interrupted' };
    else if (verdict.saturated) ended = { status: 'saturated', rate };
    else if (verdict.passed) lastPassing = rate;
    else firstFailing = rate;
  }

  const common = {
    objective,
    plan: summarizePlan(plan),
    probes,
    knee: findKnee(probes),
    binding: findBindingResource(probes),
    elapsedS: elapsedS(),
  };
  const result = decide(common, lastPassing, firstFailing, ended, plan);
  const chosen = [...probes].reverse().find((probe) => probe.passed && probe.offeredRate === lastPassing) ?? probes[probes.length - 1];
  const report = chosen ? reports.get(chosen.index) : undefined;
  return report ? { result, report: { ...report, capacity: result } } : { result };
}

type Common = Omit<CapacityResult, 'status' | 'message'> & object;

function decide(
  common: Common,
  lastPassing: number | undefined,
  firstFailing: number | undefined,
  ended: { status: 'saturated'; rate: number } | { status: 'interrupted' } | { status: 'out-of-time' } | { status: 'above-max-rate' } | undefined,
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
  const repeat = probe.repeat > 0 ? ` (repeat ${probe.repeat})` : '';
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
