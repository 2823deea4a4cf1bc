import type { SecondSample } from '../load/load-result.ts';

/** About one point per horizontal pixel of the charts' plot area. */
export const MAX_CHART_POINTS = 800;

/**
 * Fewer points for long phases (an hour is 3,600 seconds; the plot is ~800 px wide), so the
 * SVG stays small and fast in the report. Consecutive seconds are merged into buckets:
 * requests, docs and errors become per-second means; p50 a request-weighted mean; p99 the
 * bucket's worst second, so a spike is never averaged away. `second` becomes the bucket's
 * centre minus half a second, so charts that plot at `second + 0.5` need no change.
 */
export function downsampleSeries(series: readonly SecondSample[], maxPoints = MAX_CHART_POINTS): { samples: SecondSample[]; bucketS: number } {
  if (series.length <= maxPoints) return { samples: [...series], bucketS: 1 };
  const bucketS = Math.ceil(series.length / maxPoints);
  const samples: SecondSample[] = [];
  for (let start = 0; start < series.length; start += bucketS) {
    const bucket = series.slice(start, start + bucketS);
    const size = bucket.length;
    const requests = bucket.reduce((sum, sample) => sum + sample.requests, 0);
    const succeeded = bucket.reduce((sum, sample) => sum + Math.max(0, sample.requests - sample.errors), 0);
    const weighted = (pick: (sample: SecondSample) => number): number =>
      succeeded === 0 ? 0 : bucket.reduce((sum, sample) => sum + pick(sample) * Math.max(0, sample.requests - sample.errors), 0) / succeeded;
    const executors = new Set(bucket.flatMap((sample) => Object.keys(sample.executorMeanMs)));
    const first = bucket[0] as SecondSample;
    const splitRows = bucket.filter((sample) => sample.split);
    const splitMean = (pick: (split: NonNullable<SecondSample['split']>) => number): number =>
      splitRows.reduce((sum, sample) => sum + pick(sample.split!), 0) / splitRows.length;
    const cpuRows = bucket.filter((sample) => sample.generatorCores !== undefined);
    samples.push({
      second: first.second + size / 2 - 0.5,
      requests: requests / size,
      docs: bucket.reduce((sum, sample) => sum + sample.docs, 0) / size,
      errors: bucket.reduce((sum, sample) => sum + sample.errors, 0) / size,
      p50Ms: weighted((sample) => sample.p50Ms),
      p99Ms: Math.max(...bucket.filter((sample) => sample.requests > sample.errors).map((sample) => sample.p99Ms), 0),
      executorMeanMs: Object.fromEntries([...executors].map((name) => [name, weighted((sample) => sample.executorMeanMs[name] ?? 0)])),
      ...(splitRows.length > 0
        ? { split: { executorsMs: splitMean((split) => split.executorsMs), gatewayMs: splitMean((split) => split.gatewayMs), clientMs: splitMean((split) => split.clientMs) } }
        : {}),
      ...(cpuRows.length > 0 ? { generatorCores: Math.max(...cpuRows.map((sample) => sample.generatorCores!)) } : {}),
    });
  }
  return { samples, bucketS };
}
