import { area, line } from 'd3-shape';
import {
  CHART_WIDTH,
  PLOT_LEFT,
  PLOT_RIGHT,
  colorAt,
  escapeXml,
  formatTick,
  renderBottomAxis,
  renderEmptyNote,
  renderLeftAxis,
  renderLegend,
  plotBox,
  renderSvgDocument,
  valueScale,
} from './chart-frame.ts';
import { chartedTimeline } from './charted-series.ts';
import type { SecondSample, LoadResult } from '../load/load-result.ts';

const HEIGHT = 450;
const QPS_COLOR = colorAt(0);
const ERROR_COLOR = colorAt(3);
const P50_COLOR = colorAt(4);
const P99_COLOR = colorAt(1);
const LIMIT_COLOR = '#c0392b';

/** The p99 limit to draw, from the step's threshold outcomes (`p99_ms` or `p99Ms`). */
function p99Limit(report: LoadResult): number | undefined {
  const outcome = report.thresholds.find((threshold) => threshold.name.toLowerCase().replace(/[^a-z0-9]/g, '') === 'p99ms');
  return outcome?.limit;
}

/**
 * Two panels over the same time axis: requests per second (errors as red bars underneath) on
 * top, p50 and p99 round-trip latency below, with the p99 threshold when one is set. Seconds
 * with no successful request have no latency point: the line breaks instead of dropping to 0.
 */
export function renderThroughputLatencyChart(report: LoadResult): string {
  const { samples: series, bucketS, x } = chartedTimeline(report);
  const buckets = bucketS > 1 ? ` (${bucketS} s buckets)` : '';
  const title = `${report.job} / ${report.step}: throughput and latency${buckets}`;
  const top = plotBox(58, 150);
  const bottom = plotBox(232, 170);
  const center = (sample: SecondSample): number => x(sample.second + 0.5);
  const body: string[] = [];

  const limit = p99Limit(report);
  body.push(
    renderLegend(
      [
        { label: 'requests/s', color: QPS_COLOR },
        { label: 'errors/s', color: ERROR_COLOR },
        { label: 'p50', color: P50_COLOR },
        { label: 'p99', color: P99_COLOR },
        ...(limit === undefined ? [] : [{ label: `p99 limit ${limit} ms`, color: LIMIT_COLOR, dashed: true }]),
      ],
      PLOT_LEFT,
      40,
    ),
  );

  const maxRequests = Math.max(1, ...series.map((sample) => sample.requests));
  const yQps = valueScale(maxRequests, top);
  body.push(renderLeftAxis(yQps, top, 'requests / s', 4));
  if (series.length === 0) {
    body.push(renderEmptyNote(top, 'no requests recorded'));
  } else {
    const qpsArea = area<SecondSample>().digits(1).x(center).y0(yQps(0)).y1((sample) => yQps(sample.requests));
    const qpsLine = line<SecondSample>().digits(1).x(center).y((sample) => yQps(sample.requests));
    body.push(`<path class="qps-area" d="${qpsArea(series)}" fill="${QPS_COLOR}" fill-opacity="0.18"/>`);
    body.push(`<path class="qps-line" d="${qpsLine(series)}" fill="none" stroke="${QPS_COLOR}" stroke-width="2"/>`);
    const barWidth = Math.max(1, (x(bucketS) - x(0)) * 0.6);
    for (const sample of series.filter((entry) => entry.errors > 0)) {
      const y = yQps(sample.errors);
      body.push(
        `<rect class="error-bar" x="${(center(sample) - barWidth / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(yQps(0) - y).toFixed(1)}" fill="${ERROR_COLOR}"><title>${formatTick(sample.errors)} errors/s at ${Math.round(sample.second)} s</title></rect>`,
      );
    }
  }
  body.push(renderBottomAxis(x, top));

  const latencies = series.filter((sample) => sample.requests > sample.errors);
  const maxLatency = Math.max(1, limit ?? 0, ...latencies.map((sample) => sample.p99Ms));
  const yLatency = valueScale(maxLatency, bottom);
  body.push(renderLeftAxis(yLatency, bottom, 'round trip (ms)', 5));
  if (latencies.length === 0) {
    body.push(renderEmptyNote(bottom, 'no successful requests'));
  } else {
    const hasLatency = (sample: SecondSample): boolean => sample.requests > sample.errors;
    for (const [name, color, pick] of [
      ['p50', P50_COLOR, (sample: SecondSample) => sample.p50Ms],
      ['p99', P99_COLOR, (sample: SecondSample) => sample.p99Ms],
    ] as const) {
      const path = line<SecondSample>().digits(1).defined(hasLatency).x(center).y((sample) => yLatency(pick(sample)));
      body.push(`<path class="latency-${name}" d="${path(series)}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
  }
  if (limit !== undefined) {
    const y = yLatency(limit).toFixed(1);
    body.push(
      `<line class="p99-limit" x1="${PLOT_LEFT}" x2="${CHART_WIDTH - PLOT_RIGHT}" y1="${y}" y2="${y}" stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="6 4"><title>${escapeXml(`p99 limit ${limit} ms`)}</title></line>`,
    );
  }
  body.push(renderBottomAxis(x, bottom, 'elapsed time (s)'));
  return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT, title, body });
}
