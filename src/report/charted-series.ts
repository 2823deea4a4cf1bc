import type { SecondSample, LoadResult } from '../load/load-result.ts';

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
