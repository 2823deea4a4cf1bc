import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './load-result.ts';

export type { Histogram };

/**
 * All histograms of the engine hold integer microseconds (or document counts) in
 * WebAssembly 32-bit buckets. Measured on this machine (bench/load/record-cost.ts): wasm
 * records in ~18 ns, the JS Int32 variant in ~120 ns and the packed variants in 270–750 ns,
 * so wasm is the one that keeps recording under the 100 ns budget. Wasm memory is not
 * garbage-collected: every histogram made here must end in `destroy()`.
 */
const bitBucketSize = 32;

let wasmReady: Promise<void> | undefined;

/** Loads the wasm module once per thread; every shard and the merger await it first. */
export function initHistograms(): Promise<void> {
  wasmReady ??= hdr.initWebAssembly();
  return wasmReady;
}

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize,
    useWebAssembly: true,
    lowestDiscernibleValue: 1,
    // Auto-resizing from one hour keeps memory small for normal latencies and still accepts
    // an outlier rather than throwing in the hot path.
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, bitBucketSize, true);
}

/** Adds an encoded snapshot into `into` exactly (bucket counts add; nothing is resampled). */
export function addEncodedHistogram(into: Histogram, encoded: string): void {
  const decoded = decodeHistogram(encoded);
  try {
    into.add(decoded);
  } finally {
    decoded.destroy();
  }
}

const microsPerMs = 1000;

/** Percentiles of a microsecond histogram, in milliseconds. All zeros when it is empty. */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) {
    return { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  }
  const at = (percentile: number): number => histogram.getValueAtPercentile(percentile) / microsPerMs;
  return {
    count,
    // minNonZeroValue is MAX_SAFE_INTEGER when only zeros were recorded.
    minMs: Math.min(histogram.minNonZeroValue, histogram.maxValue) / microsPerMs,
    meanMs: histogram.mean / microsPerMs,
    p50Ms: at(50),
    p90Ms: at(90),
    p95Ms: at(95),
    p99Ms: at(99),
    p999Ms: at(99.9),
    maxMs: histogram.maxValue / microsPerMs,
  };
}
