import type { LoadStepParams } from './load-params.ts';
import type { GatewayTarget } from '../gateway/gateway-client.ts';
import type { ExecutorSummary, LoadResult, SegmentPart } from './load-result.ts';
import type { Thresholds } from './load-params.ts';
import { encodeHistogram, summarizeLatency } from './histogram.ts';
import type { MergedLoad } from './load-merger.ts';
import { evaluateThresholds } from './thresholds.ts';
import { summarizeGeneratorLoad } from './generator-cpu-sampler.ts';
import { splitMeans } from './round-trip-split.ts';

export interface ReportFrame {
  job: string;
  step: string;
  method: 'index' | 'query';
  params: LoadStepParams;
  target: GatewayTarget;
  startEpochMs: number;
  stoppedBy: NonNullable<LoadResult['stoppedBy']>;
  stopDetail?: string;
  generatorCpuMs: number;
  /** The generator's CPU per elapsed second of the phase, in cores. */
  generatorCores?: number[];
  usableCores?: number;
  workers: number;
  lagToleranceMs: number;
  timeToReadyS?: number;
  executorHosts?: Record<string, string>;
  segment?: SegmentPart;
}

/** The LoadResult of a finished (or stopped) phase, thresholds evaluated. */
export function buildStepReport(frame: ReportFrame, merged: MergedLoad): LoadResult {
  const wallTimeS = Math.max(0, merged.endedAtEpochMs - frame.startEpochMs) / 1000;
  const perSecond = (count: number): number => (wallTimeS > 0 ? count / wallTimeS : 0);
  const executorTotalUs = [...merged.executors.values()].reduce((total, executor) => total + executor.sum.sumUs, 0);
  const executors: ExecutorSummary[] = [...merged.executors].map(([executor, { histogram, sum }]) => {
    const latency = summarizeLatency(histogram);
    return {
      executor,
      count: latency.count,
      meanMs: sum.count > 0 ? sum.sumUs / sum.count / 1000 : 0,
      p50Ms: latency.p50Ms,
      p95Ms: latency.p95Ms,
      p99Ms: latency.p99Ms,
      share: executorTotalUs > 0 ? sum.sumUs / executorTotalUs : 0,
    };
  });
  const executorHistograms: Record<string, string> = {};
  for (const [name, { histogram }] of merged.executors) executorHistograms[name] = encodeHistogram(histogram);
  const arrival = frame.params.arrival;
  const generatorCores = frame.generatorCores ?? [];
  const threads = Math.max(1, frame.workers);
  const loopBusyShare = wallTimeS > 0 ? Math.min(1, merged.busyMs / (wallTimeS * 1000 * threads)) : 0;
  const generatorLoad = summarizeGeneratorLoad(generatorCores, frame.usableCores ?? 1, loopBusyShare);
  const series = merged.series.map((row) =>
    generatorCores[row.second] === undefined ? row : { ...row, generatorCores: generatorCores[row.second]! },
  );
  const roundTripSplit = buildRoundTripSplit(merged, generatorLoad);

  const report: LoadResult = {
    job: frame.job,
    step: frame.step,
    method: frame.method,
    config: frame.params,
    model: arrival ? 'open' : 'closed',
    gateway: { host: frame.target.host, port: frame.target.port, protocol: frame.target.protocol },
    startedAt: new Date(frame.startEpochMs).toISOString(),
    wallTimeS,
    stoppedBy: frame.stoppedBy,
    ...(frame.stopDetail !== undefined ? { stopDetail: frame.stopDetail } : {}),
    requests: merged.requests,
    okRequests: merged.okRequests,
    cutOff: merged.cutOff,
    docs: merged.docs,
    docsPerSec: perSecond(merged.docs),
    qps: perSecond(merged.requests),
    latency: summarizeLatency(merged.roundTrip),
    executors,
    ...(merged.routesUnavailable !== undefined ? { routesUnavailable: merged.routesUnavailable } : {}),
    ...(merged.gateway.totalCount > 0 ? { gatewayOverhead: summarizeLatency(merged.gateway) } : {}),
    errors: merged.errors,
    violations: merged.violations,
    ...(arrival
      ? {
          scheduleLag: {
            ...(merged.lag ?? { lateStarts: 0, maxLagMs: 0, dropped: 0 }),
            toleranceMs: frame.lagToleranceMs,
            planned: merged.planned ?? 0,
          },
        }
      : {}),
    generatorCpuMs: frame.generatorCpuMs,
    generatorBusyMs: merged.busyMs,
    workers: frame.workers,
    series,
    histograms: {
      roundTrip: encodeHistogram(merged.roundTrip),
      executors: executorHistograms,
      ...(merged.gateway.totalCount > 0 ? { gateway: encodeHistogram(merged.gateway) } : {}),
      docsPerRequest: encodeHistogram(merged.docsPerRequest),
    },
    thresholds: [],
    ...(frame.timeToReadyS !== undefined ? { timeToReadyS: frame.timeToReadyS } : {}),
    ...(frame.executorHosts ? { executorHosts: frame.executorHosts } : {}),
    ...(roundTripSplit ? { roundTripSplit } : {}),
    ...(generatorLoad ? { generatorLoad } : {}),
    ...(frame.segment ? { segment: frame.segment } : {}),
  };
  report.thresholds = evaluateThresholds(report, segmentThresholds(frame.params.thresholds, frame.segment));
  return report;
}

function buildRoundTripSplit(merged: MergedLoad, generatorLoad: LoadResult['generatorLoad']): LoadResult['roundTripSplit'] {
  const means = splitMeans(merged.split);
  if (means) {
    const busy = generatorLoad?.saturated
      ? {
          generatorNote:
            `the generator was busy (mean ${generatorLoad.meanCores.toFixed(2)} of ${generatorLoad.usableCores} cores, ` +
            `event loop busy ${Math.round(generatorLoad.loopBusyShare * 100)}%): ` +
            'client + transport includes waiting in its own event loop',
        }
      : {};
    return { status: 'split', requests: merged.split.requests, roundTripMs: means.executorsMs + means.gatewayMs + means.clientMs, ...means, ...busy };
  }
  if (merged.routesUnavailable !== undefined) return { status: 'unavailable', reason: merged.routesUnavailable };
  if (merged.okRequests > 0) return { status: 'unavailable', reason: 'no response carried a gateway route with both timestamps' };
  return undefined;
}

/** A segment sends its share of the load, so it is held to its share of the rate minimums. */
function segmentThresholds(thresholds: Thresholds, segment: SegmentPart | undefined): Thresholds {
  if (!segment) return thresholds;
  return {
    ...thresholds,
    ...(thresholds.minDocsPerSec !== undefined ? { minDocsPerSec: thresholds.minDocsPerSec * segment.share } : {}),
    ...(thresholds.minQps !== undefined ? { minQps: thresholds.minQps * segment.share } : {}),
  };
}
