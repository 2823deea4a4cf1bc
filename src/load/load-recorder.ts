import type { Violation } from '../checks/check.ts';
import type { PostResult } from '../gateway/gateway-client.ts';
import { STATUS_ERROR, type Route } from '../protocol/data-request.ts';
import type { ErrorCounts, ViolationSample } from './load-result.ts';
import { createHistogram, encodeHistogram, type Histogram } from './histogram.ts';
import { createRouteTimings, readRouteTimings } from './route-timings.ts';
import { addRequestSplit, emptySplitSum } from './round-trip-split.ts';
import type { ExecutorSum, SecondSnapshot, ShardSnapshot } from './shard-snapshot.ts';
import { emptyErrorCounts } from './shard-snapshot.ts';
import type { LatencyLimit } from './thresholds.ts';

interface ExecutorTrack {
  histogram: Histogram;
  total: ExecutorSum;
}

export interface LoadRecorderOptions {
  shardIndex: number;
  watch: readonly LatencyLimit[];
  violationSamples: number;
  /** Phase start on this thread's `performance.now()` clock. */
  startMs: number;
  /** Receives each finished second, in order, with no gaps. */
  onSecond(snapshot: SecondSnapshot): void;
}

/**
 * Counts and histograms of one shard. Memory is flat in the phase length: histograms have
 * fixed buckets, per-second state is reset after each second is handed on, and violations
 * keep only the first few samples.
 */
export class LoadRecorder {
  requests = 0;
  okRequests = 0;
  docs = 0;
  errors: ErrorCounts = emptyErrorCounts();
  violationCount = 0;
  routesUnavailable: string | undefined;
  readonly violationSamples: ViolationSample[] = [];

  private readonly options: LoadRecorderOptions;
  private readonly roundTrip = createHistogram();
  private readonly docsPerRequest = createHistogram();
  private readonly gatewayOverhead = createHistogram();
  private readonly executors = new Map<string, ExecutorTrack>();
  private readonly timings = createRouteTimings();
  private readonly split = emptySplitSum();
  private readonly secondLatency = createHistogram();
  /** Each executor's times in the current second (reset after each second). */
  private readonly secondExecutors = new Map<string, Histogram>();
  /** Watched round-trip limits as [index into watch, limit µs] pairs, and executor ones. */
  private readonly roundTripLimits: Array<[number, number]>;
  private readonly executorLimits: Array<[number, number, string]>;
  private second = 0;
  private secondRow: SecondSnapshot;

  constructor(options: LoadRecorderOptions) {
    this.options = options;
    this.roundTripLimits = [];
    this.executorLimits = [];
    options.watch.forEach((limit, index) => {
      if (limit.executor === undefined) this.roundTripLimits.push([index, limit.limitMs * 1000]);
      else this.executorLimits.push([index, limit.limitMs * 1000, limit.executor]);
    });
    this.secondRow = this.emptyRow(0);
  }

  /**
   * Records one finished request. `latencyMs` is what the report calls latency: the client's
   * round trip (closed model) or completion minus intended start (open model).
   */
  record(result: PostResult, docCount: number, latencyMs: number, completedAtMs: number): void {
    this.rollTo(completedAtMs);
    const row = this.secondRow;
    this.requests++;
    row.requests++;
    switch (result.status) {
      case 'ok':
        if (result.routesUnavailable !== undefined) this.routesUnavailable ??= result.routesUnavailable;
        this.recordOk(result.response.routes, docCount, latencyMs, result.roundTripMs, row);
        return;
      case 'error-status': {
        const executor = raisingDeployment(result.response.routes) ?? (result.error.executor || 'unknown');
        this.errors.statusByExecutor[executor] = (this.errors.statusByExecutor[executor] ?? 0) + 1;
        this.sampleError(result, result.error.description || result.error.name, executor);
        break;
      }
      case 'connection-error':
        this.errors.connection++;
        this.sampleError(result, result.code ? `${result.code}: ${result.message}` : result.message);
        break;
      case 'timeout':
        this.errors.timeout++;
        this.sampleError(result, `no answer within ${result.timeoutMs} ms`);
        break;
      case 'protocol-error':
        this.errors.protocol++;
        this.sampleError(result, result.message);
        break;
    }
    this.errors.total++;
    row.errors++;
  }

  /** Keeps the first failures with distinct messages, so a report says why, not only how many. */
  private sampleError(result: Exclude<PostResult, { status: 'ok' }>, message: string, executor?: string): void {
    const samples = (this.errors.samples ??= []);
    if (samples.length >= this.options.violationSamples) return;
    if (samples.some((sample) => sample.kind === result.status && sample.message === message)) return;
    samples.push({ kind: result.status, requestId: result.requestId, ...(executor !== undefined ? { executor } : {}), message });
  }

  recordViolations(violations: readonly Violation[], completedAtMs: number): void {
    if (violations.length === 0) return;
    this.rollTo(completedAtMs);
    this.violationCount += violations.length;
    this.secondRow.violations += violations.length;
    for (const violation of violations) {
      if (this.violationSamples.length >= this.options.violationSamples) break;
      this.violationSamples.push({ requestId: violation.requestId, message: violation.message });
    }
  }

  /** Hands on every second that ended before `nowMs` (empty ones too, so shards stay aligned). */
  rollTo(nowMs: number): void {
    const second = Math.floor((nowMs - this.options.startMs) / 1000);
    while (this.second < second) this.flushSecond();
  }

  /** Flushes the last, partial second and returns the shard's totals. */
  finish(endMs: number): Omit<ShardSnapshot, 'cutOff' | 'lag' | 'busyMs' | 'endedAtEpochMs' | 'planned'> {
    this.rollTo(endMs);
    this.flushSecond();
    const executors: Record<string, string> = {};
    const executorSums: Record<string, ExecutorSum> = {};
    for (const [name, track] of this.executors) {
      executors[name] = encodeHistogram(track.histogram);
      executorSums[name] = track.total;
    }
    const snapshot = {
      shardIndex: this.options.shardIndex,
      requests: this.requests,
      okRequests: this.okRequests,
      docs: this.docs,
      errors: this.errors,
      violations: { count: this.violationCount, samples: this.violationSamples },
      ...(this.routesUnavailable !== undefined ? { routesUnavailable: this.routesUnavailable } : {}),
      histograms: {
        roundTrip: encodeHistogram(this.roundTrip),
        executors,
        ...(this.gatewayOverhead.totalCount > 0 ? { gateway: encodeHistogram(this.gatewayOverhead) } : {}),
        docsPerRequest: encodeHistogram(this.docsPerRequest),
      },
      executorSums,
      ...(this.split.requests > 0 ? { split: this.split } : {}),
    };
    this.destroy();
    return snapshot;
  }

  private recordOk(routes: readonly Route[], docCount: number, latencyMs: number, roundTripMs: number, row: SecondSnapshot): void {
    this.okRequests++;
    this.docs += docCount;
    row.okRequests++;
    row.docs += docCount;
    const latencyUs = Math.max(0, Math.round(latencyMs * 1000));
    this.roundTrip.recordValue(latencyUs);
    this.secondLatency.recordValue(latencyUs);
    this.docsPerRequest.recordValue(docCount);
    for (const [index, limitUs] of this.roundTripLimits) if (latencyUs > limitUs) row.overLimits[index]!++;

    const timings = readRouteTimings(routes, this.timings);
    for (let i = 0; i < timings.executorCount; i++) {
      const name = timings.executors[i]!;
      const durationUs = Math.round(timings.durationsUs[i]!);
      const track = this.executors.get(name) ?? this.addExecutor(name);
      track.histogram.recordValue(durationUs);
      (this.secondExecutors.get(name) ?? this.addSecondExecutor(name)).recordValue(durationUs);
      track.total.sumUs += durationUs;
      track.total.count++;
      const second = (row.executors[name] ??= { sumUs: 0, count: 0 });
      second.sumUs += durationUs;
      second.count++;
      for (const [index, limitUs, executor] of this.executorLimits) {
        if (executor === name && durationUs > limitUs) row.overLimits[index]!++;
      }
    }
    if (timings.overheadUs >= 0) this.gatewayOverhead.recordValue(Math.round(timings.overheadUs));
    // The client's own round trip (not the open model's latency from the intended start):
    // the split says where a request's time went once it was sent.
    const roundTripUs = roundTripMs * 1000;
    if (addRequestSplit(this.split, timings, roundTripUs)) addRequestSplit((row.split ??= emptySplitSum()), timings, roundTripUs);
  }

  private addExecutor(name: string): ExecutorTrack {
    const track = { histogram: createHistogram(), total: { sumUs: 0, count: 0 } };
    this.executors.set(name, track);
    return track;
  }

  private addSecondExecutor(name: string): Histogram {
    const histogram = createHistogram();
    this.secondExecutors.set(name, histogram);
    return histogram;
  }

  private flushSecond(): void {
    const row = this.secondRow;
    if (this.secondLatency.totalCount > 0) {
      row.latency = encodeHistogram(this.secondLatency);
      this.secondLatency.reset();
    }
    for (const [name, histogram] of this.secondExecutors) {
      if (histogram.totalCount === 0) continue;
      (row.executorLatency ??= {})[name] = encodeHistogram(histogram);
      histogram.reset();
    }
    this.second++;
    this.secondRow = this.emptyRow(this.second);
    this.options.onSecond(row);
  }

  private emptyRow(second: number): SecondSnapshot {
    return {
      shardIndex: this.options.shardIndex,
      second,
      requests: 0,
      okRequests: 0,
      docs: 0,
      errors: 0,
      violations: 0,
      executors: {},
      overLimits: this.options.watch.map(() => 0),
    };
  }

  private destroy(): void {
    this.roundTrip.destroy();
    this.docsPerRequest.destroy();
    this.gatewayOverhead.destroy();
    this.secondLatency.destroy();
    for (const histogram of this.secondExecutors.values()) histogram.destroy();
    this.secondExecutors.clear();
    for (const track of this.executors.values()) track.histogram.destroy();
    this.executors.clear();
  }
}

/**
 * The deployment whose route carries the ERROR status. Jina's `exception.executor` is the
 * executor's class name, which two deployments of one class share; the route names the
 * deployment, so it is preferred when the gateway stamped one.
 */
function raisingDeployment(routes: readonly Route[]): string | undefined {
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.executor !== 'gateway' && route.status !== undefined && route.status.code === STATUS_ERROR) return route.executor;
  }
  return undefined;
}
