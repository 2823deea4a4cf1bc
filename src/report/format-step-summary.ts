import type { StepReport } from './step-report.ts';
import { formatMs } from './stats-table.ts';

const count = (value: number): string => value.toLocaleString('en-US');
const rate = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/**
 * One console line per load step: what a user scans first after a run (the reporter prefixes
 * the step's name). Executor times are means, as in the stats table. A phase that did not run
 * to its end says so: its numbers are partial.
 */
export function formatStepSummary(report: StepReport): string {
  const errors = report.errors.total > 0 ? `, ${count(report.errors.total)} errors` : '';
  const violations = report.violations.count > 0 ? `, ${count(report.violations.count)} violations` : '';
  const executors = report.executors.map((executor) => `${executor.executor} ${formatMs(executor.meanMs)}`).join(', ');
  const flowReady = report.timeToReadyS === undefined ? '' : `; flow ready in ${report.timeToReadyS.toFixed(1)}s`;
  const partial =
    report.stoppedBy && report.stoppedBy !== 'deadline'
      ? ` [partial: stopped by ${report.stoppedBy}${report.stopDetail ? `, ${report.stopDetail}` : ''}]`
      : '';
  return (
    `${count(report.requests)} req, ${count(report.docs)} docs in ${report.wallTimeS.toFixed(1)}s: ` +
    `${rate(report.docsPerSec)} docs/s, ${rate(report.qps)} QPS; ` +
    `latency p50 ${formatMs(report.latency.p50Ms)} / p95 ${formatMs(report.latency.p95Ms)} / p99 ${formatMs(report.latency.p99Ms)} ms` +
    `${errors}${violations}${executors ? `; mean ${executors} ms` : ''}${flowReady}${partial}`
  );
}
