import type { LoadResult } from '../load/load-result.ts';
import { renderStackedAreaChart } from './stacked-area-chart.ts';

/** Executor names in the step's order (summary first, then any seen only in the series). */
export function executorNamesOf(report: LoadResult): string[] {
  const names = report.executors.map((executor) => executor.executor);
  for (const sample of report.series) {
    for (const name of Object.keys(sample.executorMeanMs)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Mean time per executor in each second, stacked: the top edge is the time a request spent in
 * executors, and each band shows who spent it. Names come from the response routes, so a Flow
 * with other executors gets other bands.
 */
export function renderExecutorTimeChart(report: LoadResult): string {
  const names = executorNamesOf(report);
  const summaries = new Map(report.executors.map((executor) => [executor.executor, executor]));
  return renderStackedAreaChart({
    report,
    what: 'time per executor',
    bands: names.map((name) => {
      const summary = summaries.get(name);
      const detail = summary ? ` (mean ${summary.meanMs.toFixed(1)} ms, ${(summary.share * 100).toFixed(0)}%)` : '';
      return { key: name, name, legend: `${name}${detail}` };
    }),
    valuesOf: (sample) => Object.fromEntries(names.map((name) => [name, sample.executorMeanMs[name] ?? 0])),
    bandClass: 'executor-band',
    bandAttribute: 'data-executor',
    emptyNote: 'no executor routes in the responses',
  });
}
