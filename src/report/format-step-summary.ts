import { executorLabel } from '../load/executor-label.ts';
import type { LoadResult } from '../load/load-result.ts';
import { errorBudgetOutcome } from '../load/thresholds.ts';
import { formatCapacitySummary } from './format-capacity-summary.ts';
import { formatMs } from './stats-table.ts';

const count = (value: number): string => value.toLocaleString('en-US');
const rate = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const percent = (share: number): string => `${(share * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;

/**
 * One console line per load step: what a user scans first after a run (the reporter prefixes
 * the step's name). Executor times are means, as in the stats table. A phase that did not run
 * to its end says so: its numbers are partial. The error rate always stands beside the error
 * budget it is judged against.
 */
export function formatStepSummary(report: LoadResult): string {
  // find_capacity: the answer first, then the probe it reports (the highest passing rate).
  if (report.capacity) return `${formatCapacitySummary(report.capacity)}; at that rate: ${formatLoadSummary(report)}`;
  return formatLoadSummary(report);
}

function formatLoadSummary(report: LoadResult): string {
  const budget = errorBudgetOutcome(report);
  const errors = `, ${count(report.errors.total)} errors (${percent(budget.measured)}, budget ${percent(budget.limit)})`;
  const violations = report.violations.count > 0 ? `, ${count(report.violations.count)} violations` : '';
  // Sent but unanswered when the phase ended: not in `requests`, so said apart.
  const cutOff = report.cutOff ? `, ${count(report.cutOff)} cut off in flight at the end` : '';
  const executors = report.executors.map((executor) => `${executorLabel(report, executor.executor)} ${formatMs(executor.meanMs)}`).join(', ');
  const flowReady = report.timeToReadyS === undefined ? '' : `; flow ready in ${report.timeToReadyS.toFixed(1)}s`;
  const partial =
    report.stoppedBy && report.stoppedBy !== 'deadline'
      ? ` [partial: stopped by ${report.stoppedBy}${report.stopDetail ? `, ${report.stopDetail}` : ''}]`
      : '';
  return (
    `${count(report.requests)} req, ${count(report.docs)} docs in ${report.wallTimeS.toFixed(1)}s: ` +
    `${rate(report.docsPerSec)} docs/s, ${rate(report.qps)} QPS; ` +
    `latency p50 ${formatMs(report.latency.p50Ms)} / p95 ${formatMs(report.latency.p95Ms)} / p99 ${formatMs(report.latency.p99Ms)} ms` +
    `${errors}${violations}${cutOff}${executors ? `; mean ${executors} ms` : ''}${formatSplit(report)}${formatGenerator(report)}${formatHostMetrics(report)}${flowReady}${partial}`
  );
}

/** Where the mean round trip went, or why that cannot be said. */
function formatSplit(report: LoadResult): string {
  const split = report.roundTripSplit;
  if (!split) return '';
  if (split.status === 'unavailable') return `; round-trip split unavailable (${split.reason})`;
  const part = (ms: number): string => `${formatMs(ms)} (${percent(split.roundTripMs > 0 ? Math.round((ms / split.roundTripMs) * 100) / 100 : 0)})`;
  return (
    `; round trip ${formatMs(split.roundTripMs)} ms = executors ${part(split.executorsMs)} + gateway ${part(split.gatewayMs)}` +
    ` + client/transport ${part(split.clientMs)}${split.generatorNote ? ' (includes waiting in the busy generator)' : ''}`
  );
}

/** The generator's own CPU; when it was saturated the numbers describe the generator. */
function formatGenerator(report: LoadResult): string {
  const load = report.generatorLoad;
  if (!load) return '';
  const used =
    `generator CPU ${load.meanCores.toFixed(2)} of ${load.usableCores} cores (peak ${load.peakCores.toFixed(2)}), ` +
    `event loop busy ${percent(Math.round(load.loopBusyShare * 100) / 100)}`;
  return load.saturated ? `; ${used}: GENERATOR SATURATED, the results measure the generator, not the Flow` : `; ${used}`;
}

/** The busiest process the agents saw, or why there are no host metrics. */
function formatHostMetrics(report: LoadResult): string {
  const metrics = report.hostMetrics;
  if (!metrics) return '';
  if (metrics.status === 'unavailable') return `; host metrics unavailable (${metrics.reason})`;
  const busiest = metrics.busiest;
  if (!busiest) return '; host metrics: no Flow process sampled';
  const what = busiest.role === 'agent' ? `agent process${busiest.includesGenerator ? ' (with the generator)' : ''}` : busiest.name;
  const serves = metrics.processes.find((process) => process.key === busiest.key && process.agent === busiest.agent)?.serves;
  const rss = Math.max(...metrics.processes.filter((process) => process.key === busiest.key).map((process) => process.peakRssBytes));
  return (
    `; busiest process ${what}${serves ? ` [${serves.join(', ')}]` : ''} on ${busiest.agent}: CPU ${busiest.meanCpuCores.toFixed(2)} cores ` +
    `(peak ${busiest.peakCpuCores.toFixed(2)}${busiest.hostCores !== undefined ? ` of ${busiest.hostCores}` : ''}), RSS ${formatMegabytes(rss)}`
  );
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes >= 100 * 1024 * 1024 ? 0 : 1)} MB`;
}
