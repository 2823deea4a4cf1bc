import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import type { CapacityProbe, CapacityResult } from '../load/capacity-result.ts';
import {
  CHART_WIDTH,
  PLOT_LEFT,
  PLOT_RIGHT,
  colorAt,
  escapeXml,
  formatTick,
  plotBox,
  renderBottomAxis,
  renderEmptyNote,
  renderLeftAxis,
  renderLegend,
  renderSvgDocument,
  valueScale,
} from './chart-frame.ts';

const HEIGHT = 500;
const P50_COLOR = colorAt(4);
const P99_COLOR = colorAt(1);
const ACHIEVED_COLOR = colorAt(0);
const PASS_COLOR = colorAt(2);
const FAIL_COLOR = colorAt(3);
const LIMIT_COLOR = '#c0392b';
const BRACKET_COLOR = '#f1c40f';
/** Latencies above this many times the limit are drawn at the top edge, marked as off the scale. */
const LIMIT_HEADROOM = 3;

/** The p99 the objective judged (cut-offs counted), else the answered requests' p99. */
function judgedP99(probe: CapacityProbe): number {
  return probe.outcomes.find((outcome) => outcome.name === 'p99_ms')?.measured ?? probe.p99Ms;
}

/**
 * The latency-vs-offered-load curve of a capacity search: p50 and p99 of each probe against
 * its offered rate (each p99 point green when the probe passed, red when it failed), the p99
 * limit, the final bracket shaded and the capacity marked; below, achieved against offered
 * throughput with the line where they are equal and the knee.
 */
export function renderCapacityChart(job: string, step: string, capacity: CapacityResult): string {
  const probes = [...capacity.probes].sort((a, b) => a.offeredRate - b.offeredRate || a.index - b.index);
  const rate = 'maxSustainableRate' in capacity && capacity.maxSustainableRate !== undefined ? capacity.maxSustainableRate : undefined;
  const failing = 'firstFailingRate' in capacity ? capacity.firstFailingRate : undefined;
  const title = `${job} / ${step}: latency vs offered load${rate === undefined ? '' : ` (sustains ${formatTick(rate)} req/s)`}`;
  const maxRate = Math.max(1, ...probes.map((probe) => Math.max(probe.offeredRate, probe.achievedRate)));
  const x = scaleLinear().domain([0, maxRate * 1.05]).nice().range([PLOT_LEFT, CHART_WIDTH - PLOT_RIGHT]);
  const top = plotBox(58, 200);
  const bottom = plotBox(290, 150);
  const limit = capacity.objective.p99Ms;
  const body: string[] = [
    renderLegend(
      [
        { label: 'p50', color: P50_COLOR },
        { label: 'p99 (pass / fail)', color: P99_COLOR },
        ...(limit === undefined ? [] : [{ label: `p99 limit ${limit} ms`, color: LIMIT_COLOR, dashed: true }]),
        { label: 'achieved req/s', color: ACHIEVED_COLOR },
        { label: 'final bracket', color: BRACKET_COLOR },
      ],
      PLOT_LEFT,
      40,
    ),
  ];
  if (probes.length === 0) {
    body.push(renderEmptyNote(top, 'no probe ran'), renderBottomAxis(x, bottom, 'offered load (requests / s)'));
    return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT, title, body });
  }

  if (rate !== undefined && failing !== undefined) {
    const from = x(rate);
    body.push(
      `<rect class="capacity-bracket" x="${from.toFixed(1)}" y="${top.top}" width="${Math.max(1, x(failing) - from).toFixed(1)}" height="${bottom.top + bottom.height - top.top}" fill="${BRACKET_COLOR}" fill-opacity="0.25"><title>${escapeXml(`passes at ${rate} req/s, fails at ${failing} req/s`)}</title></rect>`,
    );
  }
  const passingP99 = probes.filter((probe) => probe.passed).map(judgedP99);
  const ceiling = limit === undefined ? Math.max(1, ...probes.map(judgedP99)) : Math.max(limit * LIMIT_HEADROOM, ...passingP99.map((value) => value * 1.2));
  const y = valueScale(ceiling, top);
  const yMax = y.domain()[1]!;
  const clamp = (value: number): number => y(Math.min(value, yMax));
  body.push(renderLeftAxis(y, top, 'round trip (ms)', 5));
  for (const [name, color, pick] of [
    ['p50', P50_COLOR, (probe: CapacityProbe) => probe.p50Ms],
    ['p99', P99_COLOR, judgedP99],
  ] as const) {
    const path = line<CapacityProbe>().digits(1).x((probe) => x(probe.offeredRate)).y((probe) => clamp(pick(probe)));
    body.push(`<path class="latency-${name}" d="${path(probes)}" fill="none" stroke="${color}" stroke-width="2"/>`);
  }
  for (const probe of probes) {
    const p99 = judgedP99(probe);
    const cx = x(probe.offeredRate).toFixed(1);
    const cy = clamp(p99).toFixed(1);
    const label = `probe ${probe.index} at ${probe.offeredRate} req/s: p99 ${p99.toFixed(1)} ms, ${probe.passed ? 'pass' : 'fail'}${probe.marginal ? ' (marginal)' : ''}`;
    const color = probe.passed ? PASS_COLOR : FAIL_COLOR;
    const shape =
      p99 > yMax
        ? `<path d="M${cx},${(Number(cy) - 6).toFixed(1)} l5,9 h-10 z" fill="${color}"/>`
        : `<circle cx="${cx}" cy="${cy}" r="4.5" fill="${color}" stroke="#fff"/>`;
    body.push(`<g class="probe-point" data-rate="${probe.offeredRate}" data-verdict="${probe.passed ? 'pass' : 'fail'}">${shape}<title>${escapeXml(label)}</title></g>`);
  }
  if (limit !== undefined) {
    const at = y(limit).toFixed(1);
    body.push(`<line class="p99-limit" x1="${PLOT_LEFT}" x2="${CHART_WIDTH - PLOT_RIGHT}" y1="${at}" y2="${at}" stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="6 4"><title>${escapeXml(`p99 limit ${limit} ms`)}</title></line>`);
  }
  body.push(renderBottomAxis(x, top));

  const yThroughput = valueScale(maxRate * 1.05, bottom);
  body.push(renderLeftAxis(yThroughput, bottom, 'achieved req/s', 4));
  const diagonalEnd = Math.min(x.domain()[1]!, yThroughput.domain()[1]!);
  body.push(
    `<line class="offered-equals-achieved" x1="${x(0).toFixed(1)}" y1="${yThroughput(0).toFixed(1)}" x2="${x(diagonalEnd).toFixed(1)}" y2="${yThroughput(diagonalEnd).toFixed(1)}" stroke="#999" stroke-dasharray="4 4"><title>achieved = offered</title></line>`,
  );
  const achieved = line<CapacityProbe>().digits(1).x((probe) => x(probe.offeredRate)).y((probe) => yThroughput(probe.achievedRate));
  body.push(`<path class="achieved" d="${achieved(probes)}" fill="none" stroke="${ACHIEVED_COLOR}" stroke-width="2"/>`);
  for (const probe of probes) {
    body.push(`<circle class="achieved-point" cx="${x(probe.offeredRate).toFixed(1)}" cy="${yThroughput(probe.achievedRate).toFixed(1)}" r="3" fill="${ACHIEVED_COLOR}"/>`);
  }
  if (capacity.knee.status === 'found') {
    const kx = x(capacity.knee.offeredRate).toFixed(1);
    const ky = yThroughput(capacity.knee.achievedRate).toFixed(1);
    body.push(
      `<g class="knee"><circle cx="${kx}" cy="${ky}" r="8" fill="none" stroke="#333" stroke-width="1.5"/><text x="${kx}" y="${(Number(ky) - 12).toFixed(1)}" text-anchor="middle" fill="#333">knee</text><title>${escapeXml(capacity.knee.note)}</title></g>`,
    );
  }
  if (rate !== undefined) {
    const cx = x(rate).toFixed(1);
    body.push(
      `<g class="capacity-mark"><line x1="${cx}" x2="${cx}" y1="${top.top}" y2="${bottom.top + bottom.height}" stroke="${PASS_COLOR}" stroke-width="1.5"/><text x="${(Number(cx) + 4).toFixed(1)}" y="${top.top + 12}" fill="#333">${escapeXml(`${formatTick(rate)} req/s`)}</text></g>`,
    );
  }
  body.push(renderBottomAxis(x, bottom, 'offered load (requests / s)'));
  return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT, title, body });
}
