import { type SeriesPoint, area, stack, stackOrderNone } from 'd3-shape';
import type { LoadResult, SecondSample } from '../load/load-result.ts';
import {
  CHART_WIDTH,
  type LegendItem,
  colorAt,
  escapeXml,
  plotBox,
  renderBottomAxis,
  renderEmptyNote,
  renderLeftAxis,
  renderLegend,
  renderSvgDocument,
  valueScale,
} from './chart-frame.ts';
import { chartedTimeline } from './charted-series.ts';

const HEIGHT = 340;

/** One band of a stacked-area chart, bottom to top. */
export interface StackedBand {
  /** Its key in the values `valuesOf` returns. */
  key: string;
  /** The band's name on its path (`data-…` attribute and hover title). */
  name: string;
  legend: string;
}

export interface StackedAreaChart {
  report: LoadResult;
  /** The title after `job / step: `; `(mean per second, stacked)` follows. */
  what: string;
  bands: readonly StackedBand[];
  /** Each band's mean ms in one (bucketed) second; undefined leaves the second out. */
  valuesOf(sample: SecondSample): Record<string, number> | undefined;
  /** The path's class and the attribute naming its band (`data-executor`, `data-part`). */
  bandClass: string;
  bandAttribute: string;
  /** What the plot says when no second has a value. */
  emptyNote: string;
}

type Row = { second: number } & Record<string, number>;

/**
 * Mean milliseconds per request in each second, stacked: the top edge is the sum, each band
 * a part of it. The time per executor and the round-trip split are this chart with other bands.
 */
export function renderStackedAreaChart(chart: StackedAreaChart): string {
  const { report, bands } = chart;
  const { samples, bucketS, x } = chartedTimeline(report);
  const per = bucketS > 1 ? `per ${bucketS} s` : 'per second';
  const title = `${report.job} / ${report.step}: ${chart.what} (mean ${per}, stacked)`;
  const box = plotBox(58, 220);
  const rows: Row[] = samples.flatMap((sample) => {
    const values = chart.valuesOf(sample);
    return values ? [{ second: sample.second, ...values } as Row] : [];
  });
  const layers = stack<Row>()
    .keys(bands.map((band) => band.key))
    .order(stackOrderNone)(rows);
  const maxTotal = Math.max(1, ...layers.flatMap((layer) => layer.map((point) => point[1])));
  const y = valueScale(maxTotal, box);
  const legend: LegendItem[] = bands.map((band, index) => ({ label: band.legend, color: colorAt(index) }));
  const body: string[] = [renderLegend(legend, box.left, 40), renderLeftAxis(y, box, 'mean time (ms)', 5)];
  if (bands.length === 0 || rows.length === 0) {
    body.push(renderEmptyNote(box, chart.emptyNote));
  } else {
    const shape = area<SeriesPoint<Row>>()
      .digits(1)
      .x((point) => x(point.data.second + 0.5))
      .y0((point) => y(point[0]))
      .y1((point) => y(point[1]));
    layers.forEach((layer, index) => {
      const name = escapeXml(bands[index]!.name);
      body.push(
        `<path class="${chart.bandClass}" ${chart.bandAttribute}="${name}" d="${shape(layer)}" fill="${colorAt(index)}" fill-opacity="0.85" stroke="#fff" stroke-width="0.5"><title>${name}</title></path>`,
      );
    });
  }
  body.push(renderBottomAxis(x, box, 'elapsed time (s)'));
  return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT, title, body });
}
