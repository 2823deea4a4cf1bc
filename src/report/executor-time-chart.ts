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

const HEIGHT = 340;

/** Executor names in the step's order (summary first, then any seen only in the series). */
export function executorNamesOf(report: LoadResult): string[] {
  const names = report.executors.map((executor) => executor.executor);
  for (const sample of report.series) {
    for (const name of Object.keys(sample.executorMeanMs)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

type Row = { second: number } & Record<string, number>;

/**
 * Mean time per executor in each second, stacked: the top edge is the time a request spent in
 * executors, and each band shows who spent it. Names come from the response routes, so a Flow
 * with other executors gets other bands.
 */
export function renderExecutorTimeChart(report: LoadResult): string {
  const charted = chartedSeries(report);
  const { samples, bucketS } = downsampleSeries(charted);
  const per = bucketS > 1 ? `per ${bucketS} s` : 'per second';
  const title = `${report.job} / ${report.step}: time per executor (mean ${per}, stacked)`;
  const names = executorNamesOf(report);
  const box: ChartBox = { left: PLOT_LEFT, top: 58, width: CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT, height: 220 };
  const lastSecond = Math.max(1, ...charted.map((sample) => sample.second + 1));
  const x = scaleLinear().domain([0, lastSecond]).range([PLOT_LEFT, CHART_WIDTH - PLOT_RIGHT]);
  const rows: Row[] = samples.map((sample) => {
    const row: Row = { second: sample.second } as Row;
    for (const name of names) row[name] = sample.executorMeanMs[name] ?? 0;
    return row;
  });
  const layers = stack<Row>().keys(names).order(stackOrderNone)(rows);
  const maxTotal = Math.max(1, ...layers.flatMap((layer) => layer.map((point) => point[1])));
  const y = scaleLinear().domain([0, maxTotal]).nice().range([box.top + box.height, box.top]);

  const summaries = new Map(report.executors.map((executor) => [executor.executor, executor]));
  const body: string[] = [
    renderLegend(
      names.map((name, index) => {
        const summary = summaries.get(name);
        const detail = summary ? ` (mean ${summary.meanMs.toFixed(1)} ms, ${(summary.share * 100).toFixed(0)}%)` : '';
        return { label: `${name}${detail}`, color: colorAt(index) };
      }),
      PLOT_LEFT,
      40,
    ),
    renderLeftAxis(y, box, 'mean time (ms)', 5),
  ];
  if (names.length === 0 || rows.length === 0) {
    body.push(renderEmptyNote(box, 'no executor routes in the responses'));
  } else {
    const band = area<SeriesPoint<Row>>()
      .digits(1)
      .x((point) => x(point.data.second + 0.5))
      .y0((point) => y(point[0]))
      .y1((point) => y(point[1]));
    layers.forEach((layer, index) => {
      body.push(
        `<path class="executor-band" data-executor="${escapeXml(layer.key)}" d="${band(layer)}" fill="${colorAt(index)}" fill-opacity="0.85" stroke="#fff" stroke-width="0.5"><title>${escapeXml(layer.key)}</title></path>`,
      );
    });
  }
  body.push(renderBottomAxis(x, box, 'elapsed time (s)'));
  return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT, title, body });
}
