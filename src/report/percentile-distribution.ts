import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { StepReport } from './step-report';

/** Histograms are recorded in microseconds; the report speaks milliseconds. */
const MICROSECONDS_PER_MS = 1000;
/** HdrHistogram's customary resolution: 5 reporting points per halving of the tail. */
const TICKS_PER_HALF_DISTANCE = 5;

/**
 * HdrHistogram's percentile distribution (the `.hgrm` text format, values in ms) of one encoded
 * histogram. The format is what HdrHistogram's plotter and most tooling read, so the attachment
 * can be pasted into them as is.
 */
export function renderPercentileDistribution(encodedHistogram: string): string {
  const histogram = decodeFromCompressedBase64(encodedHistogram);
  try {
    return histogram.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, MICROSECONDS_PER_MS);
  } finally {
    histogram.destroy();
  }
}

/**
 * Every histogram of a step in one text attachment: round trip, gateway, then each executor,
 * each under a `# <what> (ms)` heading.
 */
export function renderStepPercentiles(report: StepReport): string {
  const sections: Array<[string, string]> = [['round trip', report.histograms.roundTrip]];
  if (report.histograms.gateway) sections.push(['gateway (whole in-gateway time)', report.histograms.gateway]);
  for (const [executor, encoded] of Object.entries(report.histograms.executors)) sections.push([`executor ${executor}`, encoded]);
  return sections
    .map(([title, encoded]) => `# ${title} (ms)\n${renderPercentileDistribution(encoded)}`)
    .join('\n');
}
