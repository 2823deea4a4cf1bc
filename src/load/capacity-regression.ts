import type { CapacityResult } from './capacity-result.ts';
import type { CapacityBracket, RegressionReport, RegressionRow } from './load-result.ts';
import { formatRate, REGRESSION_ALPHA } from './regression-gate.ts';

type BaselineRef = Extract<RegressionReport, { status: 'compared' }>['baseline'];

/**
 * find_capacity against the baseline's find_capacity. A capacity is a bracket, not a sample:
 * the truth lies anywhere between the last passing and the first failing rate of each search,
 * and two searches of the same Flow on a noisy machine land on different rates within their
 * brackets. So the capacity regressed only when the whole new bracket lies beyond the limit:
 * even the new first failing rate (the upper end) is below the baseline's last passing rate
 * × (1 − limit). A search that passed every probe up to max_rate has no upper end: it passes
 * when max_rate reaches that floor, and cannot be compared when it does not. An estimate beyond the limit that the
 * brackets do not bear out is `within the brackets`, and passes. `limit` is the fall allowed
 * (0.1 for -10%).
 */
export function compareCapacity(now: CapacityResult, baseline: CapacityResult | undefined, limit: number, ref: BaselineRef): RegressionReport {
  return { status: 'compared', baseline: ref, alpha: REGRESSION_ALPHA, confidence: 1 - 2 * REGRESSION_ALPHA, rows: [capacityRow(now, baseline, limit, ref)] };
}

function capacityRow(now: CapacityResult, baseline: CapacityResult | undefined, limit: number, ref: BaselineRef): RegressionRow {
  const nowBracket = bracketOf(now);
  const base = { metric: 'capacity', limit: -limit, pValue: 1, samples: { baseline: baseline?.probes.length ?? 0, now: now.probes.length } };
  const noData = (note: string, baseBracket?: CapacityBracket): RegressionRow => ({
    ...base,
    baseline: 0,
    now: 0,
    change: 0,
    low: null,
    high: null,
    verdict: 'no data',
    note,
    ...(baseBracket ? { brackets: { baseline: baseBracket, now: nowBracket } } : {}),
  });
  if (!baseline) return noData(`the baseline's step ${ref.job}/${ref.step} is not a find_capacity step (it holds no capacity)`);
  const baseBracket = bracketOf(baseline);
  if (baseline.status !== 'found' && baseline.status !== 'above-max-rate') {
    return noData(`the baseline search ended '${baseline.status}' (${baseline.message}): only a search that found its capacity (or passed max_rate) can be compared with`, baseBracket);
  }
  const nowUpper = nowBracket.firstFailing;
  if (now.status === 'generator-saturated' || (nowUpper === undefined && now.status !== 'above-max-rate')) {
    return noData(`this search ended '${now.status}' (${now.message}): nothing bounds its capacity from above`, baseBracket);
  }
  const baseLower = baseBracket.lastPassing;
  const nowLower = nowBracket.lastPassing;
  const baseUpper = baseBracket.firstFailing;
  const change = nowLower / baseLower - 1;
  const floor = baseLower * (1 - limit);
  if (nowUpper === undefined && now.plan.maxRate < floor) {
    // Every probe up to max_rate passed: the capacity is at least max_rate, perhaps much more.
    // A max_rate under the floor cannot show a regression, nor rule one out.
    return noData(
      `every probe up to max_rate ${formatRate(now.plan.maxRate)} req/s passed, below the baseline's passing ${formatRate(baseLower)} less the limit (${formatRate(floor)}): raise max_rate above ${formatRate(floor)} to compare`,
      baseBracket,
    );
  }
  // The decision in the words of the README: the upper end now against the baseline's lower end, less the limit.
  const regressed = nowUpper !== undefined && nowUpper < floor;
  return {
    ...base,
    baseline: baseLower,
    now: nowLower,
    change,
    low: baseUpper === undefined ? null : nowLower / baseUpper - 1,
    high: nowUpper === undefined ? null : nowUpper / baseLower - 1,
    verdict: regressed ? 'regressed' : change < -limit ? 'within the brackets' : 'passed',
    brackets: { baseline: baseBracket, now: nowBracket },
    ...(regressed
      ? { note: `even the first failing rate now, ${formatRate(nowUpper)} req/s, is below the baseline's passing ${formatRate(baseLower)} × ${round(1 - limit)} = ${formatRate(floor)}` }
      : change < -limit
        ? { note: `the highest passing rate fell by more than the limit, but the bracket now reaches ${nowUpper === undefined ? 'beyond max_rate' : `${formatRate(nowUpper)} req/s`}, not below ${formatRate(floor)}` }
        : {}),
  };
}

/** A search's answer as an interval (the row's `brackets`). */
export function bracketOf(result: CapacityResult): CapacityBracket {
  const lastPassing = 'maxSustainableRate' in result && result.maxSustainableRate !== undefined ? result.maxSustainableRate : 0;
  const firstFailing = 'firstFailingRate' in result ? result.firstFailingRate : undefined;
  return { status: result.status, lastPassing, ...(firstFailing !== undefined ? { firstFailing } : {}) };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
