import { scaleLinear } from 'd3-scale';
import { type SeriesPoint, area, stack, stackOrderNone } from 'd3-shape';
import {
  CHART_WIDTH,
  PLOT_LEFT,
  PLOT_RIGHT,
  type ChartBox,
  colorAt,
  escapeXml,
  renderBottomAxis,
  renderEmptyNote,
  renderLeftAxis,
  renderLegend,
  renderSvgDocument,
} from './chart-frame.ts';
import { chartedSeries } from './charted-series.ts';
import { downsampleSeries } from './downsample-series.ts';
import type { LoadResult } from '../load/load-result.ts';
import type { SplitMeans } from '../load/round-trip-split.ts';

const HEIGHT = 340;

/** The parts of a round trip, bottom to top, with their legend labels. */
export const splitParts = [
  { key: 'executorsMs', label: 'executors' },
  { key: 'gatewayMs', label: 'gateway (own share)' },
  { key: 'clientMs', label: 'client + transport' },
] as const satisfies ReadonlyArray<{ key: keyof SplitMeans; label: string }>;

type Row = { second: number } & SplitMeans;

/**
 * Where the round trip went in each second (mean per request, stacked): executors at the
 * bottom, the gateway's own share, then client and transport; the top edge is the mean
 * client round trip. Without gateway routes (HTTP with docarray v2) the chart says why.
 */
export function renderRoundTripSplitChart(report: LoadResult): string {
  const charted = chartedSeries(report);
  const { samples, bucketS } = downsampleSeries(charted);
  const per = bucketS > 1 ? `per ${bucketS} s` : 'per second';
  const title = `${report.job} / ${report.step}: where the round trip went (mean ${per}, stacked)`;
  const box: ChartBox = { left: PLOT_LEFT, top: 58, width: CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT, height: 220 };
  const lastSecond = Math.max(1, ...charted.map((sample) => sample.second + 1));
  const x = scaleLinear().domain([0, lastSecond]).range([PLOT_LEFT, CHART_WIDTH - PLOT_RIGHT]);
  const rows: Row[] = samples.filter((sample) => sample.split).map((sample) => ({ second: sample.second, ...sample.split! }));
  const layers = stack<Row>()
    .keys(splitParts.map((part) => part.key))
    .order(stackOrderNone)(rows);
  const maxTotal = Math.max(1, ...layers.flatMap((layer) => layer.map((point) => point[1])));
  const y = scaleLinear().domain([0, maxTotal]).nice().range([box.top + box.height, box.top]);
  const split = report.roundTripSplit;
  const body: string[] = [
    renderLegend(
      splitParts.map((part, index) => ({
        label: split?.status === 'split' ? `${part.label} (mean ${split[part.key].toFixed(1)} ms)` : part.label,
        color: colorAt(index),
      })),
      PLOT_LEFT,
      40,
    ),
    renderLeftAxis(y, box, 'mean time (ms)', 5),
  ];
  if (rows.length === 0) {
    const reason = split?.status === 'unavailable' ? split.reason : 'no response carried a gateway route';
    body.push(renderEmptyNote(box, `split unavailable: ${reason}`));
  } else {
    const band = area<SeriesPoint<Row>>()
      .digits(1)
      .x((point) => x(point.data.second + 0.5))
      .y0((point) => y(point[0]))
      .y1((point) => y(point[1]));
    layers.forEach((layer, index) => {
      const label = splitParts[index]!.label;
      body.push(
        `<path class="split-band" data-part="${escapeXml(label)}" d="${band(layer)}" fill="${colorAt(index)}" fill-opacity="0.85" stroke="#fff" stroke-width="0.5"><title>${escapeXml(label)}</title></path>`,
      );
    });
  }
  body.push(renderBottomAxis(x, box, 'elapsed time (s)'));
  return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT, title, body });
}
