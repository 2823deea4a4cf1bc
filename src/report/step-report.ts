import type { LoadStepParams } from '../config/plan';

/**
 * What a load step leaves behind. Plain JSON: it crosses from the Vitest worker to the main
 * process as task meta, and is written as the summary attachment. Times in ms unless named.
 */
export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface ExecutorSummary {
  executor: string;
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Share of the summed executor time of the step, 0..1. */
  share: number;
}

/** One row per elapsed second of the phase. */
export interface SecondSample {
  second: number;
  requests: number;
  docs: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean time per executor in this second (for the stacked chart). */
  executorMeanMs: Record<string, number>;
}

export interface ErrorCounts {
  total: number;
  connection: number;
  timeout: number;
  protocol: number;
  /** Error statuses by the executor that raised them (`unknown` when not named). */
  statusByExecutor: Record<string, number>;
}

export interface ViolationSample {
  requestId: string;
  message: string;
}

export interface ThresholdOutcome {
  name: string;
  limit: number;
  measured: number;
  passed: boolean;
}

export interface ScheduleLag {
  /** Requests that started later than scheduled by more than the tolerance. */
  lateStarts: number;
  maxLagMs: number;
  /** Requests never sent because the in-flight cap was reached. */
  dropped: number;
}

export interface StepReport {
  job: string;
  step: string;
  method: 'index' | 'query';
  config: LoadStepParams;
  model: 'closed' | 'open';
  gateway: { host: string; port: number; protocol: string };
  startedAt: string;
  wallTimeS: number;
  requests: number;
  docs: number;
  docsPerSec: number;
  qps: number;
  latency: LatencySummary;
  executors: ExecutorSummary[];
  /** Time spent in the gateway beyond the executors, from the `gateway` route. */
  gatewayOverhead?: LatencySummary;
  errors: ErrorCounts;
  violations: { count: number; samples: ViolationSample[] };
  scheduleLag?: ScheduleLag;
  /** CPU time of the generator (user + system) over the phase. */
  generatorCpuMs: number;
  series: SecondSample[];
  /** hdr-histogram-js compressed base64 snapshots, in microseconds. */
  histograms: { roundTrip: string; executors: Record<string, string>; gateway?: string };
  thresholds: ThresholdOutcome[];
  /** Seconds from start_flow to the first successful request, when known. */
  timeToReadyS?: number;
}
