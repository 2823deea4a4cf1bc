import { line } from 'd3-shape';
import type { HostSecond, ProcessMetrics, ProcessSecond } from '../load/host-metrics.ts';
import type { LoadResult } from '../load/load-result.ts';
import {
  CHART_WIDTH,
  PLOT_LEFT,
  PLOT_RIGHT,
  type LegendItem,
  colorAt,
  elapsedScale,
  escapeXml,
  plotBox,
  renderBottomAxis,
  renderEmptyNote,
  renderLeftAxis,
  renderLegend,
  renderSvgDocument,
  valueScale,
} from './chart-frame.ts';

const HEIGHT = 470;
/** Lines a reader can still tell apart; the rest are in the CSV. */
const MAX_PROCESSES = 8;
const HOST_COLOR = '#555';

/** What a line is called: the pod name, with its agent when the step used several. */
export function processLabel(process: ProcessMetrics, isMultiAgent: boolean): string {
  const base = process.role === 'agent' ? `agent process [${(process.serves ?? []).join(', ')}]` : process.name;
  return isMultiAgent ? `${base} @ ${process.agent}` : base;
}

/**
 * Beside the latency chart: CPU (cores) per process over the phase, with each host's total
 * dashed, and resident memory per process below. The busiest processes (mean CPU) get lines;
 * the title names the busiest.
 */
export function renderHostMetricsChart(report: LoadResult): string {
  const metrics = report.hostMetrics;
  const top = plotBox(58, 170);
  const bottom = plotBox(252, 150);
  const x = elapsedScale(Math.max(1, Math.ceil(report.wallTimeS)));
  if (!metrics || metrics.status === 'unavailable') {
    const title = `${report.job} / ${report.step}: CPU and memory per process`;
    const note = metrics ? `host metrics unavailable: ${metrics.reason}` : 'no host metrics for this step';
    return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT, title, body: [renderEmptyNote(top, note.slice(0, 140))] });
  }
  const isMultiAgent = metrics.agents.length > 1;
  const shown = metrics.processes.slice(0, MAX_PROCESSES);
  const busiest = shown[0];
  const title = `${report.job} / ${report.step}: CPU and memory per process${busiest ? ` (busiest: ${processLabel(busiest, isMultiAgent)})` : ''}`;
  const hosts = metrics.agents.flatMap((agent) => (agent.status === 'sampled' ? [agent] : []));
  const legend = wrapLegend([
    ...shown.map((process, index) => ({ label: `${processLabel(process, isMultiAgent)} (${process.meanCpuCores.toFixed(2)})`, color: colorAt(index) })),
    { label: 'host total', color: HOST_COLOR, dashed: true },
  ]);
  const body: string[] = legend.map((items, row) => renderLegend(items, PLOT_LEFT, 40 + row * 16));
  // The panels move down by the legend's extra rows.
  const shift = (legend.length - 1) * 16;
  top.top += shift;
  bottom.top += shift;
  const center = (second: { second: number }): number => x(second.second + 0.5);

  const maxCpu = Math.max(0.1, ...shown.flatMap((process) => process.seconds.map((second) => second.cpuCores)), ...hosts.flatMap((host) => host.seconds.map((second) => second.cpuCores ?? 0)));
  const yCpu = valueScale(maxCpu, top);
  body.push(renderLeftAxis(yCpu, top, 'CPU (cores)', 4));
  if (shown.length === 0) body.push(renderEmptyNote(top, 'no Flow process sampled: host totals only'));
  for (const host of hosts) {
    const path = line<HostSecond>().digits(1).defined((second) => second.cpuCores !== undefined).x(center).y((second) => yCpu(second.cpuCores ?? 0));
    body.push(`<path class="host-cpu" data-agent="${escapeXml(host.agent)}" d="${path(host.seconds) ?? ''}" fill="none" stroke="${HOST_COLOR}" stroke-width="1.5" stroke-dasharray="5 3"><title>${escapeXml(`host ${host.agent}: ${host.cores} cores`)}</title></path>`);
  }
  shown.forEach((process, index) => {
    const path = line<ProcessSecond>().digits(1).x(center).y((second) => yCpu(second.cpuCores));
    body.push(`<path class="process-cpu" data-process="${escapeXml(process.key)}" d="${path(process.seconds) ?? ''}" fill="none" stroke="${colorAt(index)}" stroke-width="2"><title>${escapeXml(processLabel(process, isMultiAgent))}</title></path>`);
  });
  body.push(renderBottomAxis(x, top));

  const megabytes = (bytes: number): number => bytes / 1024 / 1024;
  const maxRss = Math.max(1, ...shown.flatMap((process) => process.seconds.map((second) => megabytes(second.rssBytes))));
  const yRss = valueScale(maxRss, bottom);
  body.push(renderLeftAxis(yRss, bottom, 'resident memory (MB)', 4));
  shown.forEach((process, index) => {
    const path = line<ProcessSecond>().digits(1).x(center).y((second) => yRss(megabytes(second.rssBytes)));
    body.push(`<path class="process-rss" data-process="${escapeXml(process.key)}" d="${path(process.seconds) ?? ''}" fill="none" stroke="${colorAt(index)}" stroke-width="2"><title>${escapeXml(processLabel(process, isMultiAgent))}</title></path>`);
  });
  body.push(renderBottomAxis(x, bottom, 'elapsed time (s)'));
  return renderSvgDocument({ width: CHART_WIDTH, height: HEIGHT + shift, title, body });
}

/** Legend items in rows that fit the chart's width (label widths estimated as renderLegend does). */
function wrapLegend(items: LegendItem[]): LegendItem[][] {
  const rows: LegendItem[][] = [[]];
  let used = 0;
  for (const item of items) {
    const width = 23 + item.label.length * 6.2 + 16;
    if (used + width > CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT && rows.at(-1)!.length > 0) {
      rows.push([]);
      used = 0;
    }
    rows.at(-1)!.push(item);
    used += width;
  }
  return rows;
}
