import type { LoadResult } from '../load/load-result.ts';
import type { SplitMeans } from '../load/round-trip-split.ts';
import { renderStackedAreaChart } from './stacked-area-chart.ts';

/** The parts of a round trip, bottom to top, with their legend labels. */
export const splitParts = [
  { key: 'executorsMs', label: 'executors' },
  { key: 'gatewayMs', label: 'gateway (own share)' },
  { key: 'clientMs', label: 'client + transport' },
] as const satisfies ReadonlyArray<{ key: keyof SplitMeans; label: string }>;

/**
 * Where the round trip went in each second (mean per request, stacked): executors at the
 * bottom, the gateway's own share, then client and transport; the top edge is the mean
 * client round trip. Without gateway routes (HTTP with docarray v2) the chart says why.
 */
export function renderRoundTripSplitChart(report: LoadResult): string {
  const split = report.roundTripSplit;
  const reason = split?.status === 'unavailable' ? split.reason : 'no response carried a gateway route';
  return renderStackedAreaChart({
    report,
    what: 'where the round trip went',
    bands: splitParts.map((part) => ({
      key: part.key,
      name: part.label,
      legend: split?.status === 'split' ? `${part.label} (mean ${split[part.key].toFixed(1)} ms)` : part.label,
    })),
    valuesOf: (sample) => sample.split && { ...sample.split },
    bandClass: 'split-band',
    bandAttribute: 'data-part',
    emptyNote: `split unavailable: ${reason}`,
  });
}
