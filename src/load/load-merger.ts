import type { ErrorCounts, SecondSample, ViolationSample } from './load-result.ts';
import { addEncodedHistogram, createHistogram, type Histogram } from './histogram.ts';
import type { ExecutorSum, SecondSnapshot, ShardLag, ShardSnapshot } from './shard-snapshot.ts';
import { emptyErrorCounts } from './shard-snapshot.ts';
import type { WatchTotals } from './threshold-watch.ts';
import { addSplitSum, emptySplitSum, splitMeans, type SplitSum } from './round-trip-split.ts';

/** Live numbers of a running phase; rates and p99 are over the last window. */
export interface LoadProgress {
  elapsedS: number;
  requests: number;
  docs: number;
  errors: number;
  qps: number;
  docsPerSec: number;
  p99Ms: number;
}

export interface LoadMergerOptions {
  shardCount: number;
  watchCount: number;
  violationSamples: number;
  progressIntervalS: number;
  onProgress?(progress: LoadProgress): void;
  /** After each merged second, with the running totals (for `abort_on_fail`). */
  onTotals?(totals: WatchTotals): void;
}

/** All shards' results added up. Histograms are live wasm objects: `destroy()` when done. */
export interface MergedLoad {
  requests: number;
  okRequests: number;
  docs: number;
  cutOff: number;
  planned?: number;
  errors: ErrorCounts;
  violations: { count: number; samples: ViolationSample[] };
  routesUnavailable?: string;
  lag?: ShardLag;
  busyMs: number;
  endedAtEpochMs: number;
  roundTrip: Histogram;
  docsPerRequest: Histogram;
  gateway: Histogram;
  executors: Map<string, { histogram: Histogram; sum: ExecutorSum }>;
  /** Where the round trips went, over every shard (round-trip-split.ts). */
  split: SplitSum;
  series: SecondSample[];
  destroy(): void;
}

interface PendingSecond {
  reported: number;
  row: SecondSnapshot;
  latency: Histogram;
  executorLatency: Map<string, Histogram>;
}

/**
 * Adds shards' snapshots on the main thread. A second becomes a series row once every shard
 * reported it (shards report each second in order, so rows complete in order); percentiles
 * come from the added histograms, never from averaging shards' percentiles.
 */
export class LoadMerger {
  readonly totals: WatchTotals;
  private readonly options: LoadMergerOptions;
  private readonly series: SecondSample[] = [];
  private readonly pending = new Map<number, PendingSecond>();
  private readonly finals: ShardSnapshot[] = [];
  private readonly window = { requests: 0, docs: 0, errors: 0, seconds: 0, latency: createHistogram() };
  private docs = 0;
  private isDisposed = false;

  constructor(options: LoadMergerOptions) {
    this.options = options;
    this.totals = { requests: 0, errors: 0, violations: 0, overLimits: new Array<number>(options.watchCount).fill(0) };
  }

  addSecond(snapshot: SecondSnapshot): void {
    // A shard stopped after a failure elsewhere may still report; nobody reads it any more.
    if (this.isDisposed) return;
    let pending = this.pending.get(snapshot.second);
    if (!pending) {
      const row: SecondSnapshot = {
        shardIndex: -1,
        second: snapshot.second,
        requests: 0,
        okRequests: 0,
        docs: 0,
        errors: 0,
        violations: 0,
        executors: {},
        overLimits: snapshot.overLimits.map(() => 0),
      };
      pending = { reported: 0, row, latency: createHistogram(), executorLatency: new Map() };
      this.pending.set(snapshot.second, pending);
    }
    const row = pending.row;
    row.requests += snapshot.requests;
    row.okRequests += snapshot.okRequests;
    row.docs += snapshot.docs;
    row.errors += snapshot.errors;
    row.violations += snapshot.violations;
    snapshot.overLimits.forEach((count, index) => (row.overLimits[index]! += count));
    for (const [name, sum] of Object.entries(snapshot.executors)) {
      const into = (row.executors[name] ??= { sumUs: 0, count: 0 });
      into.sumUs += sum.sumUs;
      into.count += sum.count;
    }
    if (snapshot.split) addSplitSum((row.split ??= emptySplitSum()), snapshot.split);
    if (snapshot.latency) addEncodedHistogram(pending.latency, snapshot.latency);
    for (const [name, encoded] of Object.entries(snapshot.executorLatency ?? {})) {
      let histogram = pending.executorLatency.get(name);
      if (!histogram) pending.executorLatency.set(name, (histogram = createHistogram()));
      addEncodedHistogram(histogram, encoded);
    }
    if (++pending.reported === this.options.shardCount) this.completeSecond(snapshot.second, pending);
  }

  addFinal(snapshot: ShardSnapshot): void {
    this.finals.push(snapshot);
  }

  /** Completes the seconds some shard never reached and adds up the finals. */
  finish(): MergedLoad {
    for (const second of [...this.pending.keys()].sort((a, b) => a - b)) this.completeSecond(second, this.pending.get(second)!);
    this.dispose();
    return mergeFinals(this.finals, this.series, this.options.violationSamples);
  }

  /** Frees the wasm histograms still held (idempotent; `finish` calls it). */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.window.latency.destroy();
    for (const pending of this.pending.values()) destroyPending(pending);
    this.pending.clear();
  }

  private completeSecond(second: number, pending: PendingSecond): void {
    this.pending.delete(second);
    const { row, latency } = pending;
    const executorMeanMs: Record<string, number> = {};
    for (const [name, sum] of Object.entries(row.executors)) executorMeanMs[name] = sum.count > 0 ? sum.sumUs / sum.count / 1000 : 0;
    const executorP95Ms: Record<string, number> = {};
    const executorP99Ms: Record<string, number> = {};
    for (const [name, histogram] of pending.executorLatency) {
      executorP95Ms[name] = histogram.getValueAtPercentile(95) / 1000;
      executorP99Ms[name] = histogram.getValueAtPercentile(99) / 1000;
    }
    this.series.push({
      second,
      requests: row.requests,
      docs: row.docs,
      errors: row.errors,
      p50Ms: latency.totalCount > 0 ? latency.getValueAtPercentile(50) / 1000 : 0,
      p99Ms: latency.totalCount > 0 ? latency.getValueAtPercentile(99) / 1000 : 0,
      p95Ms: latency.totalCount > 0 ? latency.getValueAtPercentile(95) / 1000 : 0,
      executorMeanMs,
      ...(pending.executorLatency.size > 0 ? { executorP95Ms, executorP99Ms } : {}),
      ...(row.split ? { split: splitMeans(row.split)! } : {}),
    });
    this.totals.requests += row.requests;
    this.totals.errors += row.errors;
    this.totals.violations += row.violations;
    row.overLimits.forEach((count, index) => (this.totals.overLimits[index]! += count));
    this.docs += row.docs;
    this.options.onTotals?.(this.totals);
    this.advanceProgress(row, latency);
    destroyPending(pending);
  }

  private advanceProgress(row: SecondSnapshot, latency: Histogram): void {
    const window = this.window;
    window.requests += row.requests;
    window.docs += row.docs;
    window.errors += row.errors;
    window.seconds++;
    window.latency.add(latency);
    if (window.seconds < this.options.progressIntervalS) return;
    this.options.onProgress?.({
      elapsedS: row.second + 1,
      requests: this.totals.requests,
      docs: this.docs,
      errors: this.totals.errors,
      qps: window.requests / window.seconds,
      docsPerSec: window.docs / window.seconds,
      p99Ms: window.latency.totalCount > 0 ? window.latency.getValueAtPercentile(99) / 1000 : 0,
    });
    window.requests = window.docs = window.errors = window.seconds = 0;
    window.latency.reset();
  }
}

function destroyPending(pending: PendingSecond): void {
  pending.latency.destroy();
  for (const histogram of pending.executorLatency.values()) histogram.destroy();
}

function mergeFinals(finals: readonly ShardSnapshot[], series: SecondSample[], violationSamples: number): MergedLoad {
  const roundTrip = createHistogram();
  const docsPerRequest = createHistogram();
  const gateway = createHistogram();
  const executors = new Map<string, { histogram: Histogram; sum: ExecutorSum }>();
  const errors = emptyErrorCounts();
  const merged: MergedLoad = {
    requests: 0,
    okRequests: 0,
    docs: 0,
    cutOff: 0,
    errors,
    violations: { count: 0, samples: [] },
    busyMs: 0,
    endedAtEpochMs: 0,
    roundTrip,
    docsPerRequest,
    gateway,
    executors,
    split: emptySplitSum(),
    series,
    destroy() {
      for (const histogram of [roundTrip, docsPerRequest, gateway]) histogram.destroy();
      for (const executor of executors.values()) executor.histogram.destroy();
    },
  };
  for (const final of finals) {
    merged.requests += final.requests;
    merged.okRequests += final.okRequests;
    merged.docs += final.docs;
    merged.cutOff += final.cutOff;
    merged.busyMs += final.busyMs;
    if (final.split) addSplitSum(merged.split, final.split);
    merged.endedAtEpochMs = Math.max(merged.endedAtEpochMs, final.endedAtEpochMs);
    if (final.planned !== undefined) merged.planned = (merged.planned ?? 0) + final.planned;
    if (final.routesUnavailable !== undefined) merged.routesUnavailable ??= final.routesUnavailable;
    if (final.lag) {
      const lag = (merged.lag ??= { lateStarts: 0, maxLagMs: 0, dropped: 0 });
      lag.lateStarts += final.lag.lateStarts;
      lag.dropped += final.lag.dropped;
      lag.maxLagMs = Math.max(lag.maxLagMs, final.lag.maxLagMs);
    }
    errors.total += final.errors.total;
    errors.connection += final.errors.connection;
    errors.timeout += final.errors.timeout;
    errors.protocol += final.errors.protocol;
    for (const [executor, count] of Object.entries(final.errors.statusByExecutor)) {
      errors.statusByExecutor[executor] = (errors.statusByExecutor[executor] ?? 0) + count;
    }
    for (const sample of final.errors.samples ?? []) {
      const samples = (errors.samples ??= []);
      const isNew = !samples.some((known) => known.kind === sample.kind && known.message === sample.message);
      if (isNew && samples.length < violationSamples) samples.push(sample);
    }
    merged.violations.count += final.violations.count;
    for (const sample of final.violations.samples) {
      if (merged.violations.samples.length < violationSamples) merged.violations.samples.push(sample);
    }
    addEncodedHistogram(roundTrip, final.histograms.roundTrip);
    addEncodedHistogram(docsPerRequest, final.histograms.docsPerRequest);
    if (final.histograms.gateway) addEncodedHistogram(gateway, final.histograms.gateway);
    for (const [name, encoded] of Object.entries(final.histograms.executors)) {
      let executor = executors.get(name);
      if (!executor) {
        executor = { histogram: createHistogram(), sum: { sumUs: 0, count: 0 } };
        executors.set(name, executor);
      }
      addEncodedHistogram(executor.histogram, encoded);
      const sum = final.executorSums[name];
      if (sum) {
        executor.sum.sumUs += sum.sumUs;
        executor.sum.count += sum.count;
      }
    }
  }
  return merged;
}
