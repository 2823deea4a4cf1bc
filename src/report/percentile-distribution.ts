import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { LoadResult } from '../load/load-result.ts';

/** Histograms are recorded in microseconds; the report speaks milliseconds. */
const MICROSECONDS_PER_MS = 1000;
/** HdrHistogram's customary resolution: 5 reporting points per halving of the tail. */
const TICKS_PER_HALF_DISTANCE = 5;

/**
 * HdrHistogram's percentile distribution (the `.hgrm` text format, values in ms) of one encoded
 * histogram. The format is what HdrHistogram's plotter and most tooling read, so the attachment
 * can be pasted into them as is.
 */
export function renderPercentileDistribution(encodedHistogram: string, unitScale = MICROSECONDS_PER_MS): string {
  const histogram = decodeFromCompressedBase64(encodedHistogram);
  try {
    return histogram.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, unitScale);
  } finally {
    histogram.destroy();
  }
}

/**
 * Every histogram of a step in one text attachment: round trip, gateway, each executor (ms),
 * then documents per response when recorded, each under a `# <what> (<unit>)` heading.
 */
export function renderStepPercentiles(report: LoadResult): string {
  const sections: Array<[string, string, number]> = [['round trip (ms)', report.histograms.roundTrip, MICROSECONDS_PER_MS]];
  if (report.histograms.gateway) sections.push(['gateway, whole in-gateway time (ms)', report.histograms.gateway, MICROSECONDS_PER_MS]);
  for (const [executor, encoded] of Object.entries(report.histograms.executors)) {
    sections.push([`executor ${executor} (ms)`, encoded, MICROSECONDS_PER_MS]);
  }
  if (report.histograms.docsPerRequest) sections.push(['documents per response (count)', report.histograms.docsPerRequest, 1]);
  return sections.map(([title, encoded, scale]) => `# ${title}\n${renderPercentileDistribution(encoded, scale)}`).join('\n');
}
