import type { HostMetrics } from './host-metrics.ts';
import type { LoadStepParams } from './load-params.ts';
import type { CapacityResult } from './capacity-result.ts';
import type { SplitMeans } from './round-trip-split.ts';

/**
 * What a load phase measured: the load engine builds it, the step judges it
 * (judge-load-step.ts), report/ renders it. Plain JSON: it crosses from the Vitest worker to
 * the main process as task meta, and is written as the summary attachment. Times in ms
 * unless named.
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
  /** Round-trip p95 of this second (absent in results merged from segments, and in older baselines). */
  p95Ms?: number;
  /** Mean time per executor in this second (for the stacked chart). */
  executorMeanMs: Record<string, number>;
  /**
   * p95 and p99 per executor in this second, from its own histogram: what the regression gate
   * compares per second (absent in results merged from segments, and in older baselines).
   */
  executorP95Ms?: Record<string, number>;
  executorP99Ms?: Record<string, number>;
  /** Where this second's round trips went (means per request); absent without gateway routes. */
  split?: SplitMeans;
  /** The generator process's CPU in this second, in cores (1 = one core busy); see `generatorLoad`. */
  generatorCores?: number;
}

export interface ErrorCounts {
  total: number;
  connection: number;
  timeout: number;
  protocol: number;
  /** Error statuses by the executor that raised them (`unknown` when not named). */
  statusByExecutor: Record<string, number>;
  /** The first few failures with their messages, one per distinct kind and message. */
  samples?: ErrorSample[];
}

export interface ErrorSample {
  kind: 'error-status' | 'connection-error' | 'timeout' | 'protocol-error';
  requestId: string;
  /** The deployment that raised, for `error-status`. */
  executor?: string;
  message: string;
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
  /** Why the measurement is missing or odd, e.g. an executor that never appeared in the routes. */
  note?: string;
}

export interface ScheduleLag {
  /** Requests that started later than scheduled by more than the tolerance. */
  lateStarts: number;
  maxLagMs: number;
  /** Requests never sent because the in-flight cap was reached. */
  dropped: number;
  /** A start later than this behind schedule counts as late. */
  toleranceMs?: number;
  /** Requests the arrival schedule planned for the phase. */
  planned?: number;
}

/**
 * One generator's part of a step run from several machines (STRESS_SEGMENT); absent when one
 * generator ran the whole step. Rate thresholds (`min_docs_per_sec`, `min_qps`) were judged
 * on the segment's share; the merged result is judged on the configured totals.
 */
export interface SegmentPart {
  index: number;
  count: number;
  /** Global client numbers this generator ran (a contiguous block). */
  clients: number[];
  /** Open model: requests of the schedule this generator owned (every count-th). */
  plannedRequests?: number;
  /** This generator's share of the step's load, 0..1 (clients, or planned requests). */
  share: number;
}

/** One generator of a merged result: how hard it worked, so a merge names its bottleneck. */
export interface GeneratorHealth {
  segment: number;
  /** Process CPU over the phase, percent of one core (may exceed 100 with worker threads). */
  cpuPercent: number;
  /** Event-loop busy time over the phase, percent of its thread count (main + workers). */
  busyPercent: number;
  /**
   * The generator itself was the limit: its threads were over 90% busy, or (open model) it
   * started requests late. Its latencies then include its own queueing.
   */
  saturated: boolean;
  lateStarts: number;
}

/** Set on a result merged from several generators' segments (merge-load-results.ts). */
export interface MergedFrom {
  segments: number;
  generators: GeneratorHealth[];
}

export interface LoadResult {
  job: string;
  step: string;
  method: 'index' | 'query';
  config: LoadStepParams;
  model: 'closed' | 'open';
  gateway: { host: string; port: number; protocol: string };
  startedAt: string;
  wallTimeS: number;
  /**
   * Why the phase ended: its deadline (closed) or schedule (open), the abort signal, or an
   * `abort_on_fail` threshold that was already certainly breached (`stopDetail` says which).
   * Anything but `deadline` means the numbers are partial.
   */
  stoppedBy: 'deadline' | 'signal' | 'threshold';
  stopDetail?: string;
  /** Completed requests, failed ones included (QPS counts these). */
  requests: number;
  /** Completed without an error: `requests - errors.total`. */
  okRequests: number;
  /** Requests still in flight when the phase was cut; neither successes nor errors. */
  cutOff: number;
  docs: number;
  docsPerSec: number;
  qps: number;
  latency: LatencySummary;
  executors: ExecutorSummary[];
  /**
   * Why per-executor times and gateway overhead are missing, when the transport carries no
   * routes (HTTP with docarray v2); absent otherwise.
   */
  routesUnavailable?: string;
  /** Time spent in the gateway beyond the executors, from the `gateway` route. */
  gatewayOverhead?: LatencySummary;
  errors: ErrorCounts;
  violations: { count: number; samples: ViolationSample[] };
  scheduleLag?: ScheduleLag;
  /**
   * CPU time (user + system) of the whole generator process over the phase; includes anything
   * else running in it (an in-process reference target, Vitest). See `generatorBusyMs`.
   */
  generatorCpuMs: number;
  /** Event-loop active time summed over the generator's threads: a per-thread CPU proxy. */
  generatorBusyMs: number;
  /** Worker threads the clients ran in (0: the calling thread). */
  workers: number;
  series: SecondSample[];
  /** hdr-histogram-js compressed base64 snapshots, in microseconds. */
  histograms: { roundTrip: string; executors: Record<string, string>; gateway?: string; docsPerRequest: string };
  thresholds: ThresholdOutcome[];
  /**
   * Seconds from start_flow to the Flow's first successful dry_run, for the Flow this phase
   * loaded; absent when the job did not start it (a configured gateway).
   */
  timeToReadyS?: number;
  /** Executor name → the host it ran on, for executors the job placed on other hosts (issue 13). */
  executorHosts?: Record<string, string>;
  /** Set when this result is one generator's segment of the step. */
  segment?: SegmentPart;
  /** Set when this result merges several generators' segments. */
  mergedFrom?: MergedFrom;
  /** Where the round trip went: executors, the gateway's own share, client and transport. */
  roundTripSplit?: RoundTripSplit;
  /** How busy the generator process was (its CPU per second against the cores it may use). */
  generatorLoad?: GeneratorLoad;
  /**
   * CPU and memory of the Flow's processes and hosts, sampled by the agents once a second
   * during the phase (host-metrics.ts); `unavailable` with the reason for a daemon that cannot
   * sample (JinaD). Absent where no daemon was asked (a load run outside a job).
   */
  hostMetrics?: HostMetrics;
  /** Set by `find_capacity` on the probe it reports (the highest passing rate): the whole search. */
  capacity?: CapacityResult;
  /** The step against its stored baseline (regression-gate.ts); absent without `regression:`. */
  regression?: RegressionReport;
}

/**
 * The regression gate's comparison: per metric, the per-second samples of the baseline step
 * and of this phase, the Hodges-Lehmann change with its interval, and the one-sided
 * Mann-Whitney U p-value. Or the baseline was missing (`ifMissing` says whether that fails).
 */
export type RegressionReport =
  | {
      status: 'compared';
      baseline: { source: string; runId: string; createdAt: string; job: string; step: string };
      /** One-sided significance level of every test. */
      alpha: number;
      /** Two-sided confidence of the intervals (1 - 2·alpha). */
      confidence: number;
      rows: RegressionRow[];
    }
  | { status: 'missing'; source: string; reason: string; ifMissing: 'fail' | 'pass' }
  /** The baseline is there but could not be read or is not a baseline: fails whatever if_missing says. */
  | { status: 'unreadable'; source: string; reason: string; hint?: string };

export interface RegressionRow {
  /** `p99`, `qps`, `executor.indexer.p95`. */
  metric: string;
  /** The change allowed, signed in the worse direction (+0.1 for latencies, -0.05 for rates). */
  limit: number;
  /** Medians of the per-second values. */
  baseline: number;
  now: number;
  /** Hodges-Lehmann shift (now − baseline) over the baseline median; 0.31 = +31%. */
  change: number;
  /** Its interval at `confidence`; null when the samples are too few to bound it. */
  low: number | null;
  high: number | null;
  /** One-sided Mann-Whitney U p-value of "worse than the baseline by more than the limit". */
  pValue: number;
  samples: { baseline: number; now: number };
  /**
   * `regressed` (significantly beyond the limit) fails the step; `no data` does too; `not significant`: beyond, within the noise;
   * `within the brackets` (a capacity row): the estimate is beyond the limit, the brackets allow it is not.
   */
  verdict: 'passed' | 'regressed' | 'not significant' | 'within the brackets' | 'no data';
  note?: string;
  /**
   * Set on find_capacity's `capacity` row, which compares two searches rather than samples:
   * each side's bracket (last passing rate, first failing rate or none above it). Then
   * baseline/now are the highest passing rates, low/high the change the brackets allow
   * (now's lower end over the baseline's upper, now's upper over the baseline's lower; null
   * when an end is open), pValue is 1 (no test) and samples count probes.
   */
  brackets?: { baseline: CapacityBracket; now: CapacityBracket };
}

/** A search's answer as an interval: it sustains `lastPassing` (0: nothing passed) and breaks at `firstFailing`. */
export interface CapacityBracket {
  status: string;
  lastPassing: number;
  /** Absent when nothing above failed (the search stopped at max_rate or ran out of time growing). */
  firstFailing?: number;
}

/**
 * The client round trip split by what each response carries (src/load/round-trip-split.ts):
 * means per request over the requests whose response had a stamped `gateway` route. The three
 * parts add up to `roundTripMs`, the mean client round trip of those requests (in the open
 * model that is time from sending, not from the intended start).
 */
export type RoundTripSplit =
  | ({
      status: 'split';
      /** Requests the split is over. */
      requests: number;
      roundTripMs: number;
      /**
       * Set when the generator was busy (see `generatorLoad.saturated`): then client and
       * transport include waiting in the generator's own event loop.
       */
      generatorNote?: string;
    } & SplitMeans)
  | { status: 'unavailable'; reason: string };

export interface GeneratorLoad {
  /** Cores the generator may use (os.availableParallelism(), or the `cores` tuning). */
  usableCores: number;
  /** Mean CPU over the phase in cores (user + system of the whole process, threads included). */
  meanCores: number;
  /** Highest one-second CPU in cores. */
  peakCores: number;
  /** Mean CPU as a share of `usableCores`, 0..1 (what `max_generator_cpu` is judged on). */
  meanShare: number;
  /** Event-loop active time of the client threads over the phase, as a share of it, 0..1. */
  loopBusyShare: number;
  /**
   * At least half of the phase's seconds at or above 90% of the usable cores, or the client
   * threads' event loops active at least 90% of the phase: the numbers measure the generator
   * rather than the Flow.
   */
  saturated: boolean;
}
