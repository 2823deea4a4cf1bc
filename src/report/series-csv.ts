import { executorNamesOf } from './executor-time-chart.ts';
import type { LoadResult } from '../load/load-result.ts';

/** RFC 4180 quoting: only when the field needs it. */
export function csvField(value: string | number): string {
  const text = typeof value === 'number' ? formatNumber(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Three decimals is µs resolution for ms values; integers stay integers. */
function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/**
 * The per-second series as CSV: one row per elapsed second, one `<executor>_mean_ms` column per
 * executor seen in the step (named from the routes).
 */
export function renderSeriesCsv(report: LoadResult): string {
  const executors = executorNamesOf(report);
  // Added columns only when the step measured them, after the executors: readers by position keep working.
  const hasSplit = report.series.some((sample) => sample.split);
  const hasCpu = report.series.some((sample) => sample.generatorCores !== undefined);
  const header = [
    'second',
    'requests',
    'docs',
    'errors',
    'p50_ms',
    'p99_ms',
    ...executors.map((name) => `${name}_mean_ms`),
    ...(hasSplit ? ['executors_ms', 'gateway_own_ms', 'client_transport_ms'] : []),
    ...(hasCpu ? ['generator_cores'] : []),
  ];
  const rows = report.series.map((sample) => [
    sample.second,
    sample.requests,
    sample.docs,
    sample.errors,
    sample.p50Ms,
    sample.p99Ms,
    ...executors.map((name) => sample.executorMeanMs[name] ?? 0),
    ...(hasSplit ? (sample.split ? [sample.split.executorsMs, sample.split.gatewayMs, sample.split.clientMs] : ['', '', '']) : []),
    ...(hasCpu ? [sample.generatorCores ?? ''] : []),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
