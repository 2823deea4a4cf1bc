import { decodeHistogram } from '../load/histogram.ts';
import { judgeLoadStep } from '../load/judge-load-step.ts';
import type { CapacityObjective, CapacityProbe, CapacityResolution, ObjectiveOutcome } from '../load/capacity-result.ts';
import type { LoadResult } from '../load/load-result.ts';

/** Two-sided 95%: how far a measurement may wander by chance alone. */
const Z95 = 1.96;

export type ProbeJudgement = Omit<CapacityProbe, 'index' | 'phase' | 'repeat'>;

/**
 * One probe against the objective. The load engine's own verdict (judgeLoadStep: thresholds,
 * error budget, check violations, nothing answered) decides first; on top, each round-trip
 * latency limit counts the requests cut off in flight as above it: a cut-off request was
 * unanswered for longer than `graceMs`, which the search sets to at least every latency limit,
 * and without them an overloaded probe would hide its slowest requests.
 *
 * A probe is marginal (worth repeating) when a limit lies within the measurement's 95%
 * confidence interval (order statistics for a percentile, Wilson for the error rate), or
 * within the resolution of the measured value.
 */
export function judgeProbe(report: LoadResult, objective: CapacityObjective, resolution: CapacityResolution, graceMs: number): ProbeJudgement {
  const verdict = judgeLoadStep(report);
  const share = resolution.kind === 'relative' ? resolution.share : resolution.rate / Math.max(report.config.arrival?.arrivalRate ?? 1, 1e-9);
  const notes: string[] = [];
  let marginal = false;
  const outcomes: ObjectiveOutcome[] = [];
  for (const outcome of verdict.thresholds) {
    const quantile = outcome.name === 'p99_ms' ? 0.99 : outcome.name === 'p95_ms' ? 0.95 : undefined;
    if (quantile !== undefined) {
      const latency = quantileWithCutOffs(report, quantile, outcome.limit, graceMs);
      outcomes.push({ name: outcome.name, limit: outcome.limit, measured: latency.valueMs, passed: latency.valueMs <= outcome.limit, ...(latency.note ? { note: latency.note } : {}) });
      const near = Math.abs(latency.valueMs - outcome.limit) <= share * outcome.limit;
      if (latency.interval.lowMs <= outcome.limit && outcome.limit <= latency.interval.highMs) {
        marginal = true;
        notes.push(`${outcome.name} limit ${outcome.limit} within the 95% interval ${formatInterval(latency.interval.lowMs, latency.interval.highMs)} ms`);
      } else if (near) {
        marginal = true;
        notes.push(`${outcome.name} ${latency.valueMs.toFixed(1)} within the resolution of the limit ${outcome.limit}`);
      }
      continue;
    }
    outcomes.push(outcome);
    if (outcome.name === 'error_rate' && report.requests > 0 && objective.errorRate > 0) {
      const [low, high] = wilsonInterval(report.errors.total, report.requests);
      if (low <= objective.errorRate && objective.errorRate <= high) {
        marginal = true;
        notes.push(`error_rate limit ${objective.errorRate} within the 95% interval ${formatInterval(low, high)}`);
      }
    }
  }
  const failedOutcomes = outcomes.filter((outcome) => !outcome.passed);
  for (const outcome of failedOutcomes) notes.push(`${outcome.name} ${formatMeasured(outcome.measured)} > ${outcome.limit}${outcome.note ? ` (${outcome.note})` : ''}`);
  // Violations, nothing answered, an interruption: the load engine's reasons beyond the limits.
  const engineFailure = verdict.status === 'failed' && failedOutcomes.length === 0 && !/^Threshold breached/.test(verdict.failure.message) ? verdict.failure.message : undefined;
  if (engineFailure) notes.push(engineFailure);
  const wallS = Math.max(report.wallTimeS, 1e-9);
  return {
    offeredRate: report.config.arrival?.arrivalRate ?? report.qps,
    achievedRate: report.okRequests / wallS,
    requests: report.requests,
    errors: report.errors.total,
    cutOff: report.cutOff,
    p50Ms: report.latency.p50Ms,
    p99Ms: report.latency.p99Ms,
    executorMeanMs: Object.fromEntries(report.executors.map((executor) => [executor.executor, executor.meanMs])),
    ...(report.roundTripSplit?.status === 'split'
      ? { split: { executorsMs: report.roundTripSplit.executorsMs, gatewayMs: report.roundTripSplit.gatewayMs, clientMs: report.roundTripSplit.clientMs } }
      : {}),
    ...(report.generatorLoad ? { generatorShare: report.generatorLoad.meanShare } : {}),
    generatorSaturated: report.generatorLoad?.saturated ?? false,
    outcomes,
    passed: failedOutcomes.length === 0 && engineFailure === undefined,
    marginal,
    notes,
  };
}

interface QuantileWithCutOffs {
  valueMs: number;
  /** The 95% interval of the quantile (Infinity: among the cut-off requests). */
  interval: { lowMs: number; highMs: number };
  note?: string;
}

/**
 * The q-quantile of every request sent, answered or cut off, with the cut-off ones counted as
 * longer than anything answered. When the quantile falls among them only a lower bound is
 * known: the grace they waited beyond the end (at least the limit).
 */
function quantileWithCutOffs(report: LoadResult, quantile: number, limitMs: number, graceMs: number): QuantileWithCutOffs {
  const answered = report.latency.count;
  const total = answered + report.cutOff;
  if (total === 0) return { valueMs: 0, interval: { lowMs: 0, highMs: 0 } };
  const histogram = decodeHistogram(report.histograms.roundTrip);
  try {
    const atRank = (rank: number): number => {
      if (rank > answered) return Infinity;
      if (answered === 0) return 0;
      return histogram.getValueAtPercentile(Math.min(100, Math.max(0, (100 * rank) / answered))) / 1000;
    };
    const spread = Z95 * Math.sqrt(total * quantile * (1 - quantile));
    const rank = Math.ceil(total * quantile);
    const interval = { lowMs: atRank(Math.max(1, Math.floor(total * quantile - spread))), highMs: atRank(Math.ceil(total * quantile + spread)) };
    const value = atRank(rank);
    if (Number.isFinite(value)) return { valueMs: value, interval, ...(report.cutOff > 0 ? { note: `${report.cutOff} cut off in flight counted above it` } : {}) };
    const floorMs = Math.max(graceMs, limitMs);
    return {
      valueMs: floorMs,
      interval: { lowMs: Math.min(interval.lowMs, floorMs), highMs: Infinity },
      note: `at least: ${report.cutOff} of ${total} requests unanswered ${floorMs} ms after the probe ended`,
    };
  } finally {
    histogram.destroy();
  }
}

/** Wilson score interval of a proportion (errors over answered requests), 95%. */
function wilsonInterval(successes: number, trials: number): [number, number] {
  const p = successes / trials;
  const z2 = Z95 * Z95;
  const center = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

function formatInterval(low: number, high: number): string {
  const format = (value: number) => (Number.isFinite(value) ? formatMeasured(value) : '∞');
  return `[${format(low)}, ${format(high)}]`;
}

function formatMeasured(value: number): string {
  return Math.abs(value) < 1 ? value.toPrecision(3) : value.toFixed(1);
}
