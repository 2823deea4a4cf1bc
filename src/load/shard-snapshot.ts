import type { ErrorCounts, ViolationSample } from './load-result.ts';
import type { SplitSum } from './round-trip-split.ts';

/**
 * What a shard (the clients of one thread) reports. Plain JSON, because a shard may run in a
 * worker thread: histograms travel as hdr-histogram-js compressed base64, in microseconds.
 */

export interface ExecutorSum {
  sumUs: number;
  count: number;
}

/** One elapsed second of one shard; the merger adds the shards' rows of the same second. */
export interface SecondSnapshot {
  shardIndex: number;
  /** 0-based second since the phase start, by completion time. */
  second: number;
  requests: number;
  okRequests: number;
  docs: number;
  errors: number;
  violations: number;
  /** Latency of this second's successful requests; absent when there were none. */
  latency?: string;
  executors: Record<string, ExecutorSum>;
  /** Each executor's times in this second (encoded histograms), for per-second percentiles. */
  executorLatency?: Record<string, string>;
  /** Samples of this second above each watched limit (the spec's `watch` order). */
  overLimits: number[];
  /** Where this second's round trips went; absent when no response carried a gateway span. */
  split?: SplitSum;
}

export interface ShardLag {
  lateStarts: number;
  maxLagMs: number;
  dropped: number;
}

export interface ShardSnapshot {
  shardIndex: number;
  requests: number;
  okRequests: number;
  docs: number;
  /** Requests still in flight when the phase was cut (deadline + grace, abort, threshold). */
  cutOff: number;
  /** Requests the arrival schedule planned for this shard (open model only). */
  planned?: number;
  errors: ErrorCounts;
  violations: { count: number; samples: ViolationSample[] };
  /** Set when the transport carries no routes (see PostResult.routesUnavailable). */
  routesUnavailable?: string;
  lag?: ShardLag;
  /** Event-loop active time of the shard's thread over the phase. */
  busyMs: number;
  /** Wall-clock end of the shard's phase (epoch ms, sub-ms precision). */
  endedAtEpochMs: number;
  histograms: {
    roundTrip: string;
    executors: Record<string, string>;
    gateway?: string;
    docsPerRequest: string;
  };
  executorSums: Record<string, ExecutorSum>;
  /** Where the round trips went (round-trip-split.ts); absent when no response carried a gateway span. */
  split?: SplitSum;
}

export type StopReason = 'signal' | 'threshold';

/** Main → shard. */
export type ShardCommand = { type: 'start'; startEpochMs: number } | { type: 'stop'; reason: StopReason };

export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
}

/** Shard → main. */
export type ShardEvent =
  | { type: 'ready' }
  | { type: 'second'; snapshot: SecondSnapshot }
  | { type: 'final'; snapshot: ShardSnapshot }
  | { type: 'failed'; error: SerializedError };

export function emptyErrorCounts(): ErrorCounts {
  return { total: 0, connection: 0, timeout: 0, protocol: 0, statusByExecutor: {} };
}
