import type { Thresholds } from './load-params.ts';
import type { LoadResult, ThresholdOutcome } from './load-result.ts';

/** A latency threshold as the shards watch it: its name, percentile and limit. */
export interface LatencyLimit {
  name: string;
  /** Share of samples allowed above the limit (0.05 for p95). */
  tailShare: number;
  limitMs: number;
  /** Absent: the client round trip; else the executor's time. */
  executor?: string;
}

/** The latency thresholds in a fixed order; shards count exceedances in the same order. */
export function latencyLimits(thresholds: Thresholds): LatencyLimit[] {
  const limits: LatencyLimit[] = [];
  if (thresholds.p95Ms !== undefined) limits.push({ name: 'p95_ms', tailShare: 0.05, limitMs: thresholds.p95Ms });
  if (thresholds.p99Ms !== undefined) limits.push({ name: 'p99_ms', tailShare: 0.01, limitMs: thresholds.p99Ms });
  for (const [executor, own] of Object.entries(thresholds.executor ?? {})) {
    if (own.p95Ms !== undefined) limits.push({ name: `executor.${executor}.p95_ms`, tailShare: 0.05, limitMs: own.p95Ms, executor });
    if (own.p99Ms !== undefined) limits.push({ name: `executor.${executor}.p99_ms`, tailShare: 0.01, limitMs: own.p99Ms, executor });
  }
  return limits;
}

const atMost = (name: string, limit: number, measured: number): ThresholdOutcome => ({
  name,
  limit,
  measured,
  passed: measured <= limit,
});

const atLeast = (name: string, limit: number, measured: number): ThresholdOutcome => ({
  name,
  limit,
  measured,
  passed: measured >= limit,
});

/**
 * The share of completed requests a load step may fail before it fails: `thresholds.error_rate`
 * when set, else 1% (k6's canonical `http_req_failed: rate<0.01`). Without it a phase with 96%
 * errors passed as long as one request succeeded.
 */
export const DEFAULT_ERROR_BUDGET = 0.01;

/** `error_rate`: errors over completed requests (cut-off requests are neither), against the budget. */
export function errorBudgetOutcome(report: Pick<LoadResult, 'requests' | 'errors' | 'config'>): ThresholdOutcome {
  const limit = report.config.thresholds.errorRate ?? DEFAULT_ERROR_BUDGET;
  const measured = report.requests > 0 ? report.errors.total / report.requests : 0;
  return {
    name: 'error_rate',
    limit,
    measured,
    passed: measured <= limit,
    ...(report.config.thresholds.errorRate === undefined ? { note: 'the default error budget; set thresholds.error_rate to change it' } : {}),
  };
}

/**
 * Every configured threshold against the report, the error budget (always), plus
 * `schedule_lag` for an open-model phase (late or dropped starts fail the step unless
 * `allowLag`). Latency percentiles are of the successful requests.
 */
export function evaluateThresholds(report: LoadResult, thresholds: Thresholds): ThresholdOutcome[] {
  const outcomes: ThresholdOutcome[] = [];
  for (const limit of latencyLimits(thresholds)) {
    if (limit.executor === undefined) {
      const measured = limit.tailShare === 0.05 ? report.latency.p95Ms : report.latency.p99Ms;
      outcomes.push(atMost(limit.name, limit.limitMs, measured));
      continue;
    }
    const executor = report.executors.find((summary) => summary.executor === limit.executor);
    if (!executor) {
      outcomes.push({
        name: limit.name,
        limit: limit.limitMs,
        measured: 0,
        passed: false,
        note:
          report.routesUnavailable !== undefined
            ? `no executor times: ${report.routesUnavailable}`
            : `executor "${limit.executor}" never appeared in the response routes (seen: ${report.executors.map((e) => e.executor).join(', ') || 'none'})`,
      });
      continue;
    }
    outcomes.push(atMost(limit.name, limit.limitMs, limit.tailShare === 0.05 ? executor.p95Ms : executor.p99Ms));
  }
  outcomes.push(errorBudgetOutcome({ requests: report.requests, errors: report.errors, config: { ...report.config, thresholds } }));
  if (thresholds.minDocsPerSec !== undefined) outcomes.push(atLeast('min_docs_per_sec', thresholds.minDocsPerSec, report.docsPerSec));
  if (thresholds.minQps !== undefined) outcomes.push(atLeast('min_qps', thresholds.minQps, report.qps));
  if (thresholds.maxViolations !== undefined) outcomes.push(atMost('max_violations', thresholds.maxViolations, report.violations.count));
  if (thresholds.maxGeneratorCpu !== undefined) {
    const load = report.generatorLoad;
    outcomes.push(
      load
        ? {
            ...atMost('max_generator_cpu', thresholds.maxGeneratorCpu, load.meanShare),
            note: `mean ${load.meanCores.toFixed(2)} of ${load.usableCores} cores`,
          }
        : { name: 'max_generator_cpu', limit: thresholds.maxGeneratorCpu, measured: 0, passed: true, note: 'phase too short to sample the CPU' },
    );
  }
  const arrival = report.config.arrival;
  if (arrival && report.scheduleLag) {
    const { lateStarts, dropped, maxLagMs } = report.scheduleLag;
    outcomes.push({
      name: 'schedule_lag',
      limit: 0,
      measured: lateStarts + dropped,
      passed: arrival.allowLag || lateStarts + dropped === 0,
      ...(lateStarts + dropped > 0
        ? { note: `${lateStarts} late starts (max ${maxLagMs.toFixed(1)} ms behind), ${dropped} dropped at the in-flight cap${arrival.allowLag ? '; allowed by allow_lag' : ''}` }
        : {}),
    });
  }
  return outcomes;
}

/** A plain-text table of every outcome, failures marked, for a failing step's message. */
export function renderThresholdTable(outcomes: readonly ThresholdOutcome[]): string {
  const rows = outcomes.map((outcome) => [
    outcome.name,
    formatNumber(outcome.limit),
    formatNumber(outcome.measured),
    outcome.passed ? 'ok' : 'FAILED',
    outcome.note ?? '',
  ]);
  const header = ['threshold', 'limit', 'measured', 'result', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === 1 || column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) < 1) return value.toPrecision(3);
  return value.toFixed(2);
}
