import type { Thresholds } from './load-params.ts';
import type { LatencyLimit } from './thresholds.ts';

/** Running totals over all shards, as merged second by second. */
export interface WatchTotals {
  requests: number;
  errors: number;
  violations: number;
  /** Per latency limit (latencyLimits order): samples above it so far. */
  overLimits: number[];
}

/**
 * `abort_on_fail`: the name and reason of a threshold that is already breached whatever the
 * rest of the phase brings, or undefined. Only certain breaches count, so an early abort
 * never fails a step that would have passed:
 * - `max_violations`: violations only grow.
 * - With a known request budget (open model: the schedule's planned count), `error_rate`
 *   once errors exceed rate × planned, and a pXX limit once more than (1 − XX%) × planned
 *   samples exceeded it (the final count of samples can only be smaller than planned).
 * A closed model's request count is unknown in advance, so its rates and percentiles are
 * judged only at the end.
 */
export function findCertainBreach(
  thresholds: Thresholds,
  limits: readonly LatencyLimit[],
  totals: WatchTotals,
  plannedRequests: number | undefined,
): string | undefined {
  if (thresholds.maxViolations !== undefined && totals.violations > thresholds.maxViolations) {
    return `max_violations: ${totals.violations} violations > ${thresholds.maxViolations}`;
  }
  if (plannedRequests === undefined) return undefined;
  if (thresholds.errorRate !== undefined && totals.errors > thresholds.errorRate * plannedRequests) {
    return `error_rate: ${totals.errors} errors already exceed ${thresholds.errorRate} of the ${plannedRequests} planned requests`;
  }
  for (let i = 0; i < limits.length; i++) {
    const limit = limits[i]!;
    const over = totals.overLimits[i] ?? 0;
    if (over > limit.tailShare * plannedRequests) {
      return `${limit.name}: ${over} samples above ${limit.limitMs} ms already exceed ${(limit.tailShare * 100).toFixed(0)}% of the ${plannedRequests} planned requests`;
    }
  }
  return undefined;
}
