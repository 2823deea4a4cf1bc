import type { ScaleLinear } from 'd3-scale';
import type { SecondSample, LoadResult } from '../load/load-result.ts';
import { elapsedScale } from './chart-frame.ts';
import { downsampleSeries } from './downsample-series.ts';

/**
 * The seconds a chart plots: those of the phase itself. Requests still in flight at the
 * deadline finish in the next few milliseconds and land in one more second; drawn as a rate,
 * that sliver reads as throughput collapsing at the end. The CSV keeps every row.
 */
export function chartedSeries(report: LoadResult): SecondSample[] {
  const phaseS = report.config.arrival ? report.config.arrival.durationS : report.config.executionTimeS;
  const within = report.series.filter((sample) => sample.second < Math.ceil(phaseS));
  return within.length > 0 ? within : [...report.series];
}

/**
 * What the charts over the phase's seconds share: the charted seconds, bucketed for long
 * phases (`bucketS` seconds per point), and the x axis over the charted seconds.
 */
export function chartedTimeline(report: LoadResult): { samples: SecondSample[]; bucketS: number; x: ScaleLinear<number, number> } {
  const charted = chartedSeries(report);
  const { samples, bucketS } = downsampleSeries(charted);
  const lastSecond = Math.max(1, ...charted.map((sample) => sample.second + 1));
  return { samples, bucketS, x: elapsedScale(lastSecond) };
}
