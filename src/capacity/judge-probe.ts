import { addEncodedHistogram, createHistogram, type Histogram } from '../load/histogram.ts';
import { judgeLoadStep, THRESHOLD_BREACH_PREFIX } from '../load/judge-load-step.ts';
import type { CapacityObjective, CapacityProbe, CapacityResolution, ObjectiveOutcome } from '../load/capacity-result.ts';
import type { LoadResult } from '../load/load-result.ts';

/** Two-sided 95%: how far a measurement may wander by chance alone. */
const Z95 = 1.96;

export type ProbeJudgement = Omit<CapacityProbe, 'index' | 'phase'>;

/**
 * A probe's runs at one rate (one, or more when it was repeated) judged together against the
 * objective: histograms added bucket by bucket, counts summed, so a repeat adds samples rather
 * than a vote. Round-trip latency limits count the requests cut off in flight as above them (a
 * cut-off request went unanswered for longer than `graceMs`, which the search sets to at least
 * every latency limit; without them an overloaded probe would hide its slowest requests).
 * Executor limits read the executors' own histograms. Each run's other reasons to fail (check
 * violations, nothing answered) come from the load engine's judge.
 *
 * Marginal (worth another run) when a limit lies within the 95% confidence interval of its
 * measurement (order statistics for a percentile, truncated to what was observed; Wilson for
 * an error rate that is not zero), or within the resolution of the measured value.
 */
export function judgeRuns(runs: readonly LoadResult[], objective: CapacityObjective, resolution: CapacityResolution, graceMs: number): ProbeJudgement {
  const last = runs[runs.length - 1]!;
  const offeredRate = last.config.arrival?.arrivalRate ?? last.qps;
  const share = resolution.kind === 'relative' ? resolution.share : resolution.rate / Math.max(offeredRate, 1e-9);
  const sum = (pick: (run: LoadResult) => number): number => runs.reduce((total, run) => total + pick(run), 0);
  const requests = sum((run) => run.requests);
  const errors = sum((run) => run.errors.total);
  const cutOff = sum((run) => run.cutOff);
  const wallS = Math.max(sum((run) => run.wallTimeS), 1e-9);
  const roundTrip = pooledHistogram(runs.map((run) => run.histograms.roundTrip));
  const executorHistograms = new Map<string, Histogram>();
  for (const run of runs) {
    for (const [name, encoded] of Object.entries(run.histograms.executors)) {
      const into = executorHistograms.get(name) ?? createHistogram();
      executorHistograms.set(name, into);
      addEncodedHistogram(into, encoded);
    }
  }
  try {
    const outcomes: ObjectiveOutcome[] = [];
    const notes: string[] = [];
    let marginal = false;
    const judgeLatency = (name: string, limit: number, histogram: Histogram | undefined, quantile: number, lateCount: number): void => {
      if (!histogram || histogram.totalCount + lateCount === 0) {
        outcomes.push({ name, limit, measured: 0, passed: false, note: describeMissing(last, name) });
        return;
      }
      const latency = quantileWithLate(histogram, lateCount, quantile, Math.max(limit, graceMs));
      outcomes.push({ name, limit, measured: latency.valueMs, passed: !latency.beyond && latency.valueMs <= limit, ...(latency.note ? { note: latency.note } : {}) });
      if (latency.beyond) return;
      if (latency.lowMs <= limit && limit <= latency.highMs) {
        marginal = true;
        notes.push(`${name} limit ${limit} within the 95% interval [${latency.lowMs.toFixed(1)}, ${latency.highMs.toFixed(1)}] ms`);
      } else if (Math.abs(latency.valueMs - limit) <= share * limit) {
        marginal = true;
        notes.push(`${name} ${latency.valueMs.toFixed(1)} within the resolution of the limit ${limit}`);
      }
    };
    if (objective.p95Ms !== undefined) judgeLatency('p95_ms', objective.p95Ms, roundTrip, 0.95, cutOff);
    if (objective.p99Ms !== undefined) judgeLatency('p99_ms', objective.p99Ms, roundTrip, 0.99, cutOff);
    for (const [executor, own] of Object.entries(objective.executor ?? {})) {
      if (own.p95Ms !== undefined) judgeLatency(`executor.${executor}.p95_ms`, own.p95Ms, executorHistograms.get(executor), 0.95, 0);
      if (own.p99Ms !== undefined) judgeLatency(`executor.${executor}.p99_ms`, own.p99Ms, executorHistograms.get(executor), 0.99, 0);
    }
    const errorRate = requests > 0 ? errors / requests : 0;
    outcomes.push({ name: 'error_rate', limit: objective.errorRate, measured: errorRate, passed: errorRate <= objective.errorRate });
    if (errors > 0 && objective.errorRate > 0) {
      const [low, high] = wilsonInterval(errors, requests);
      if (low <= objective.errorRate && objective.errorRate <= high) {
        marginal = true;
        notes.push(`error_rate limit ${objective.errorRate} within the 95% interval [${low.toPrecision(3)}, ${high.toPrecision(3)}]`);
      }
    }
    const failed = outcomes.filter((outcome) => !outcome.passed);
    for (const outcome of failed) {
      notes.push(`${outcome.name} ${outcome.measured < 1 ? outcome.measured.toPrecision(3) : outcome.measured.toFixed(1)} > ${outcome.limit}${outcome.note ? ` (${outcome.note})` : ''}`);
    }
    // Violations, nothing answered: the load engine's reasons beyond the limits, per run.
    const engineFailures = runs.flatMap((run) => {
      // Without its thresholds (judged above, pooled), only the engine's other reasons remain.
      const verdict = judgeLoadStep({ ...run, thresholds: [] });
      return verdict.status === 'failed' && !verdict.failure.message.startsWith(THRESHOLD_BREACH_PREFIX) ? [verdict.failure.message] : [];
    });
    notes.push(...new Set(engineFailures));
    const splits = runs.flatMap((run) => (run.roundTripSplit?.status === 'split' ? [run.roundTripSplit] : []));
    const splitCount = splits.reduce((total, split) => total + split.requests, 0);
    const weighted = (pick: (split: (typeof splits)[number]) => number): number => splits.reduce((total, split) => total + pick(split) * split.requests, 0) / splitCount;
    const loads = runs.flatMap((run) => (run.generatorLoad ? [run.generatorLoad] : []));
    return {
      runs: runs.length,
      offeredRate,
      achievedRate: sum((run) => run.okRequests) / wallS,
      requests,
      errors,
      cutOff,
      p50Ms: roundTrip.totalCount > 0 ? roundTrip.getValueAtPercentile(50) / 1000 : 0,
      p99Ms: roundTrip.totalCount > 0 ? roundTrip.getValueAtPercentile(99) / 1000 : 0,
      executors: Object.fromEntries(
        [...executorHistograms].map(([name, histogram]) => [name, { meanMs: histogram.mean / 1000, p50Ms: histogram.getValueAtPercentile(50) / 1000 }]),
      ),
      ...(splitCount > 0 ? { split: { executorsMs: weighted((s) => s.executorsMs), gatewayMs: weighted((s) => s.gatewayMs), clientMs: weighted((s) => s.clientMs) } } : {}),
      ...(loads.length > 0 ? { generatorShare: Math.max(...loads.map((load) => load.meanShare)) } : {}),
      generatorSaturated: loads.some((load) => load.saturated),
      outcomes,
      passed: failed.length === 0 && engineFailures.length === 0,
      marginal,
      notes,
    };
  } finally {
    roundTrip.destroy();
    for (const histogram of executorHistograms.values()) histogram.destroy();
  }
}

function pooledHistogram(encoded: readonly string[]): Histogram {
  const histogram = createHistogram();
  for (const snapshot of encoded) addEncodedHistogram(histogram, snapshot);
  return histogram;
}

interface LateQuantile {
  /** The quantile in ms, or with `beyond` a lower bound of it. */
  valueMs: number;
  beyond: boolean;
  /** The 95% interval, truncated to the observed values. */
  lowMs: number;
  highMs: number;
  note?: string;
}

/**
 * The q-quantile of the answered requests plus `late` ones counted as longer than anything
 * answered. When the quantile falls among the late ones only a lower bound is known: at least
 * `floorMs` (what they waited) and the slowest answered request.
 */
function quantileWithLate(histogram: Histogram, late: number, quantile: number, floorMs: number): LateQuantile {
  const answered = histogram.totalCount;
  const total = answered + late;
  const atRank = (rank: number): number => histogram.getValueAtPercentile(Math.min(100, Math.max(0, (100 * rank) / answered))) / 1000;
  const rank = Math.ceil(total * quantile);
  if (rank > answered) {
    const slowest = answered > 0 ? histogram.maxValue / 1000 : 0;
    const valueMs = Math.max(floorMs, slowest);
    return { valueMs, beyond: true, lowMs: valueMs, highMs: valueMs, note: `more than this: ${late} of ${total} requests were unanswered ${floorMs} ms after the probe ended` };
  }
  const spread = Z95 * Math.sqrt(total * quantile * (1 - quantile));
  return {
    valueMs: atRank(rank),
    beyond: false,
    lowMs: atRank(Math.max(1, Math.floor(total * quantile - spread))),
    highMs: atRank(Math.min(answered, Math.ceil(total * quantile + spread))),
    ...(late > 0 ? { note: `${late} cut off in flight counted above it` } : {}),
  };
}

function describeMissing(run: LoadResult, name: string): string {
  if (!name.startsWith('executor.')) return 'no request was answered';
  if (run.routesUnavailable !== undefined) return `no executor times: ${run.routesUnavailable}`;
  return `the executor never appeared in the response routes (seen: ${run.executors.map((executor) => executor.executor).join(', ') || 'none'})`;
}

/** Wilson score interval of a proportion (errors over answered requests), 95%. */
function wilsonInterval(successes: number, trials: number): [number, number] {
  const p = successes / trials;
  const z2 = Z95 * Z95;
  const center = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return [Math.max(0, center - half), Math.min(1, center + half)];
}
