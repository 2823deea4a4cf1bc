import { StressError } from '../errors.ts';
import type { ErrorCounts, ExecutorSummary, GeneratorHealth, LoadResult, SecondSample } from './load-result.ts';
import { addEncodedHistogram, createHistogram, encodeHistogram, summarizeLatency, type Histogram } from './histogram.ts';
import { evaluateThresholds } from './thresholds.ts';

const sampleLimit = 10;
/** Busy share of a generator's threads above which it counts as the bottleneck. */
const saturatedBusyShare = 0.9;

/**
 * One LoadResult from every generator's segment of a step, as exact as one run: histograms
 * are added bucket by bucket (percentiles are read from the sum, never averaged), counters
 * summed, per-second rows aligned by wall-clock second, thresholds evaluated afresh on the
 * configured totals. Throws when a segment is missing or repeated, naming it. Call
 * initHistograms() first.
 */
export function mergeLoadResults(parts: readonly LoadResult[]): LoadResult {
  const first = checkSegments(parts);
  const histograms = { roundTrip: createHistogram(), gateway: createHistogram(), docsPerRequest: createHistogram() };
  const executorHistograms = new Map<string, Histogram>();
  try {
    for (const part of parts) {
      addEncodedHistogram(histograms.roundTrip, part.histograms.roundTrip);
      addEncodedHistogram(histograms.docsPerRequest, part.histograms.docsPerRequest);
      if (part.histograms.gateway) addEncodedHistogram(histograms.gateway, part.histograms.gateway);
      for (const [name, encoded] of Object.entries(part.histograms.executors)) {
        const into = executorHistograms.get(name) ?? createHistogram();
        executorHistograms.set(name, into);
        addEncodedHistogram(into, encoded);
      }
    }
    const startMs = Math.min(...parts.map((part) => Date.parse(part.startedAt)));
    const endMs = Math.max(...parts.map((part) => Date.parse(part.startedAt) + part.wallTimeS * 1000));
    const wallTimeS = Math.max(0, endMs - startMs) / 1000;
    const sum = (pick: (part: LoadResult) => number): number => parts.reduce((total, part) => total + pick(part), 0);
    const perSecond = (count: number): number => (wallTimeS > 0 ? count / wallTimeS : 0);
    const lags = parts.flatMap((part) => (part.scheduleLag ? [part.scheduleLag] : []));
    const merged: LoadResult = {
      job: first.job,
      step: first.step,
      method: first.method,
      config: first.config,
      model: first.model,
      gateway: first.gateway,
      startedAt: new Date(startMs).toISOString(),
      wallTimeS,
      stoppedBy: parts.some((part) => part.stoppedBy === 'signal') ? 'signal' : parts.some((part) => part.stoppedBy === 'threshold') ? 'threshold' : 'deadline',
      ...joinedDetail(parts),
      requests: sum((part) => part.requests),
      okRequests: sum((part) => part.okRequests),
      cutOff: sum((part) => part.cutOff),
      docs: sum((part) => part.docs),
      docsPerSec: perSecond(sum((part) => part.docs)),
      qps: perSecond(sum((part) => part.requests)),
      latency: summarizeLatency(histograms.roundTrip),
      executors: mergeExecutors(parts, executorHistograms),
      ...(first.routesUnavailable !== undefined ? { routesUnavailable: first.routesUnavailable } : {}),
      ...(histograms.gateway.totalCount > 0 ? { gatewayOverhead: summarizeLatency(histograms.gateway) } : {}),
      errors: mergeErrors(parts.map((part) => part.errors)),
      violations: {
        count: sum((part) => part.violations.count),
        samples: parts.flatMap((part) => part.violations.samples).slice(0, sampleLimit),
      },
      ...(lags.length > 0
        ? {
            scheduleLag: {
              lateStarts: lags.reduce((total, lag) => total + lag.lateStarts, 0),
              maxLagMs: Math.max(...lags.map((lag) => lag.maxLagMs)),
              dropped: lags.reduce((total, lag) => total + lag.dropped, 0),
              ...(lags[0]!.toleranceMs !== undefined ? { toleranceMs: lags[0]!.toleranceMs } : {}),
              planned: lags.reduce((total, lag) => total + (lag.planned ?? 0), 0),
            },
          }
        : {}),
      generatorCpuMs: sum((part) => part.generatorCpuMs),
      generatorBusyMs: sum((part) => part.generatorBusyMs),
      workers: sum((part) => part.workers),
      series: mergeSeries(parts, startMs),
      histograms: {
        roundTrip: encodeHistogram(histograms.roundTrip),
        executors: Object.fromEntries([...executorHistograms].map(([name, histogram]) => [name, encodeHistogram(histogram)])),
        ...(histograms.gateway.totalCount > 0 ? { gateway: encodeHistogram(histograms.gateway) } : {}),
        docsPerRequest: encodeHistogram(histograms.docsPerRequest),
      },
      thresholds: [],
      ...(parts.find((part) => part.timeToReadyS !== undefined)?.timeToReadyS !== undefined
        ? { timeToReadyS: parts.find((part) => part.timeToReadyS !== undefined)!.timeToReadyS! }
        : {}),
      ...(parts.find((part) => part.executorHosts)?.executorHosts ? { executorHosts: parts.find((part) => part.executorHosts)!.executorHosts! } : {}),
      mergedFrom: { segments: parts.length, generators: parts.map(describeGenerator) },
      ...hostMetricsOf(parts),
    };
    merged.thresholds = evaluateThresholds(merged, merged.config.thresholds);
    return merged;
  } finally {
    histograms.roundTrip.destroy();
    histograms.gateway.destroy();
    histograms.docsPerRequest.destroy();
    for (const histogram of executorHistograms.values()) histogram.destroy();
  }
}

/** Every generator sampled the same agents over the same phase: the first that could speaks for all. */
function hostMetricsOf(parts: readonly LoadResult[]): Pick<LoadResult, 'hostMetrics'> {
  const hostMetrics = (parts.find((part) => part.hostMetrics?.status === 'sampled') ?? parts.find((part) => part.hostMetrics))?.hostMetrics;
  return hostMetrics ? { hostMetrics } : {};
}

/** Every segment 1..n exactly once, all of one step and one n; the first part. */
function checkSegments(parts: readonly LoadResult[]): LoadResult {
  const first = parts[0];
  if (!first) throw new StressError('INTERNAL', 'nothing to merge: no segment results were given');
  const name = `${first.job} › ${first.step}`;
  const count = first.segment?.count ?? 1;
  const seen = new Map<number, number>();
  for (const part of parts) {
    if (part.job !== first.job || part.step !== first.step) {
      throw new StressError('INTERNAL', `cannot merge ${part.job} › ${part.step} into ${name}: results of different steps`);
    }
    if ((part.segment?.count ?? 1) !== count) {
      throw new StressError('STEP_FAILED', `${name}: segments of different splits (${part.segment?.count ?? 1} and ${count} generators)`, {
        hint: 'Every generator of one run needs the same n in STRESS_SEGMENT=i/n.',
      });
    }
    const index = part.segment?.index ?? 1;
    seen.set(index, (seen.get(index) ?? 0) + 1);
  }
  const missing = Array.from({ length: count }, (_, position) => position + 1).filter((index) => !seen.has(index));
  const repeated = [...seen].filter(([, times]) => times > 1).map(([index]) => index);
  if (missing.length > 0 || repeated.length > 0) {
    const said = [
      ...(missing.length > 0 ? [`segment${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing`] : []),
      ...(repeated.length > 0 ? [`segment${repeated.length > 1 ? 's' : ''} ${repeated.map((index) => `${index}/${count}`).join(', ')} reported twice`] : []),
    ].join('; ');
    throw new StressError('STEP_FAILED', `${name}: ${said}; the merged result would not be the whole load`, {
      hint: 'A generator died or its report was not collected: look at that generator\'s log; rerun it or the whole run.',
      details: { missing, repeated, count },
    });
  }
  return first;
}

function joinedDetail(parts: readonly LoadResult[]): { stopDetail?: string } {
  const details = parts.flatMap((part) => (part.stopDetail ? [`segment ${part.segment?.index ?? 1}: ${part.stopDetail}`] : []));
  return details.length > 0 ? { stopDetail: details.join('; ') } : {};
}

function mergeExecutors(parts: readonly LoadResult[], histograms: Map<string, Histogram>): ExecutorSummary[] {
  // Total time per executor from each part's exact mean × count (the histogram mean is bucketed).
  const totalMs = new Map<string, number>();
  for (const part of parts) for (const executor of part.executors) totalMs.set(executor.executor, (totalMs.get(executor.executor) ?? 0) + executor.meanMs * executor.count);
  const allMs = [...totalMs.values()].reduce((total, ms) => total + ms, 0);
  return [...histograms].map(([executor, histogram]) => {
    const latency = summarizeLatency(histogram);
    const ms = totalMs.get(executor) ?? 0;
    return { executor, count: latency.count, meanMs: latency.count > 0 ? ms / latency.count : 0, p50Ms: latency.p50Ms, p95Ms: latency.p95Ms, p99Ms: latency.p99Ms, share: allMs > 0 ? ms / allMs : 0 };
  });
}

function mergeErrors(all: readonly ErrorCounts[]): ErrorCounts {
  const statusByExecutor: Record<string, number> = {};
  for (const errors of all) for (const [executor, count] of Object.entries(errors.statusByExecutor)) statusByExecutor[executor] = (statusByExecutor[executor] ?? 0) + count;
  const samples = all.flatMap((errors) => errors.samples ?? []).slice(0, sampleLimit);
  return {
    total: all.reduce((total, errors) => total + errors.total, 0),
    connection: all.reduce((total, errors) => total + errors.connection, 0),
    timeout: all.reduce((total, errors) => total + errors.timeout, 0),
    protocol: all.reduce((total, errors) => total + errors.protocol, 0),
    statusByExecutor,
    ...(samples.length > 0 ? { samples } : {}),
  };
}

/**
 * Rows by wall-clock second from the earliest start: counts add exactly. A second's p50/p99
 * cannot be merged from the parts' percentiles: p50 is the request-weighted mean and p99 the
 * highest part's, both approximations (the step's own percentiles come from the merged histogram).
 */
function mergeSeries(parts: readonly LoadResult[], startMs: number): SecondSample[] {
  const rows = new Map<number, { row: SecondSample; p50Weighted: number; executorWeighted: Record<string, number> }>();
  for (const part of parts) {
    const offsetS = Math.round((Date.parse(part.startedAt) - startMs) / 1000);
    for (const sample of part.series) {
      const second = sample.second + offsetS;
      let entry = rows.get(second);
      if (!entry) {
        entry = { row: { second, requests: 0, docs: 0, errors: 0, p50Ms: 0, p99Ms: 0, executorMeanMs: {} }, p50Weighted: 0, executorWeighted: {} };
        rows.set(second, entry);
      }
      entry.row.requests += sample.requests;
      entry.row.docs += sample.docs;
      entry.row.errors += sample.errors;
      entry.p50Weighted += sample.p50Ms * sample.requests;
      entry.row.p99Ms = Math.max(entry.row.p99Ms, sample.p99Ms);
      for (const [executor, meanMs] of Object.entries(sample.executorMeanMs)) {
        entry.executorWeighted[executor] = (entry.executorWeighted[executor] ?? 0) + meanMs * sample.requests;
      }
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.row.second - b.row.second)
    .map(({ row, p50Weighted, executorWeighted }) => ({
      ...row,
      p50Ms: row.requests > 0 ? p50Weighted / row.requests : 0,
      executorMeanMs: Object.fromEntries(Object.entries(executorWeighted).map(([executor, weighted]) => [executor, row.requests > 0 ? weighted / row.requests : 0])),
    }));
}

function describeGenerator(part: LoadResult): GeneratorHealth {
  const wallMs = part.wallTimeS * 1000;
  const threads = 1 + part.workers;
  const busyShare = wallMs > 0 ? part.generatorBusyMs / (wallMs * threads) : 0;
  const lateStarts = part.scheduleLag?.lateStarts ?? 0;
  return {
    segment: part.segment?.index ?? 1,
    cpuPercent: wallMs > 0 ? (part.generatorCpuMs / wallMs) * 100 : 0,
    busyPercent: busyShare * 100,
    saturated: busyShare > saturatedBusyShare || lateStarts > 0,
    lateStarts,
  };
}
