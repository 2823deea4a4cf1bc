import type { StepReport } from './step-report';

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** One console line per load step: what a user scans first after a run. */
export function formatStepSummary(report: StepReport): string {
  const executors = report.executors.map((e) => `${e.executor} p50 ${ms(e.p50Ms)}`).join(', ');
  const errors = report.errors.total > 0 ? `, ${report.errors.total} errors` : '';
  const violations = report.violations.count > 0 ? `, ${report.violations.count} violations` : '';
  return (
    `${report.requests} req, ${report.docs} docs in ${report.wallTimeS.toFixed(1)}s: ` +
    `${report.docsPerSec.toFixed(1)} docs/s, ${report.qps.toFixed(1)} QPS; ` +
    `latency p50 ${ms(report.latency.p50Ms)} / p95 ${ms(report.latency.p95Ms)} / p99 ${ms(report.latency.p99Ms)} ms` +
    `${errors}${violations}${executors ? `; ${executors} ms` : ''}`
  );
}
