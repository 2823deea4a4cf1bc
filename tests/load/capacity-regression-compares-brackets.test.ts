import { expect, test } from 'vitest';
import { decideCapacity, type SearchEnd } from '../../src/capacity/search-capacity.ts';
import { summarizePlan } from '../../src/capacity/search-plan.ts';
import { compareCapacity } from '../../src/load/capacity-regression.ts';
import type { CapacityPlan, CapacityResult } from '../../src/load/capacity-result.ts';
import type { RegressionReport, RegressionRow } from '../../src/load/load-result.ts';
import { regressionFailure, renderRegressionTable } from '../../src/load/regression-gate.ts';

// find_capacity's gate on results the search's own decideCapacity builds from a bracket and how
// the search ended, where the answer is known. (Real searches: tests/steps/find-capacity-compares-with-a-saved-baseline.test.ts.)
const ref = { source: 'b.json', runId: 'r1', createdAt: '2026-12-06T00:00:00Z', job: 'j', step: 's' };

function search(lastPassing: number | undefined, firstFailing: number | undefined, options: { ended?: SearchEnd; maxRate?: number; resolution?: CapacityPlan['resolution'] } = {}): CapacityResult {
  const plan: CapacityPlan = {
    startRate: 10,
    maxRate: options.maxRate ?? 400,
    growth: 2,
    resolution: options.resolution ?? { kind: 'relative', share: 0.05 },
    warmupS: 1,
    probeDurationS: 4,
    maxDurationS: 150,
    maxRepeats: 1,
  };
  const common = {
    objective: { p99Ms: 250, errorRate: 0.01 },
    plan: summarizePlan(plan),
    probes: [],
    knee: { status: 'not-reached' as const, note: '' },
    binding: { resource: 'unknown', evidence: '' },
    elapsedS: 30,
  };
  return decideCapacity(common, lastPassing, firstFailing, options.ended, plan);
}

function rowOf(report: RegressionReport): RegressionRow {
  if (report.status !== 'compared') throw new Error(`not compared: ${report.status}`);
  expect(report.rows).toHaveLength(1);
  return report.rows[0]!;
}

test('a search that lands a little lower within overlapping brackets passes', () => {
  const baseline = search(95, 99.75);
  const now = search(90, 94.5);
  expect([baseline.status, now.status]).toEqual(['found', 'found']);
  const report = compareCapacity(now, baseline, 0.1, ref);
  expect(rowOf(report)).toMatchObject({ metric: 'capacity', limit: -0.1, baseline: 95, now: 90, verdict: 'passed' });
  expect(regressionFailure({ job: 'j', step: 's', regression: report })).toBeUndefined();
});

test('an estimate beyond the limit that the brackets do not bear out is "within the brackets", and passes', () => {
  // -12.5% between the passing rates, but 93.75 req/s may still be sustainable: above 100 × 0.9.
  const report = compareCapacity(search(87.5, 93.75, { resolution: { kind: 'absolute', rate: 10 } }), search(100, 105), 0.1, ref);
  const row = rowOf(report);
  expect(row).toMatchObject({ verdict: 'within the brackets', change: -0.125, brackets: { baseline: { status: 'found', lastPassing: 100, firstFailing: 105 }, now: { status: 'found', lastPassing: 87.5, firstFailing: 93.75 } } });
  // The change the brackets allow: from 87.5/105 − 1 to 93.75/100 − 1.
  expect(row.low).toBeCloseTo(87.5 / 105 - 1, 12);
  expect(row.high).toBeCloseTo(-0.0625, 12);
  expect(regressionFailure({ job: 'j', step: 's', regression: report })).toBeUndefined();
});

test('a halved capacity fails naming capacity, with both brackets', () => {
  const report = compareCapacity(search(45, 47.25), search(95, 99.75), 0.1, ref);
  const row = rowOf(report);
  expect(row.verdict).toBe('regressed');
  expect(row.change).toBeCloseTo(45 / 95 - 1, 12);
  const failure = regressionFailure({ job: 'j', step: 's', regression: report });
  expect(failure?.code).toBe('REGRESSION');
  expect(failure?.message).toBe(
    'Regression in j/s against b.json: capacity -52.6% (limit -10.0%, brackets 95–99.75 → 45–47.25 req/s: even the first failing rate now, 47.25 req/s, is below the baseline\'s passing 95 × 0.9 = 85.5)',
  );
  const table = renderRegressionTable(report).split('\n');
  expect(table[2]).toMatch(/^metric\s+limit\s+baseline\s+now\s+change\s+brackets \(baseline → now, req\/s\)\s+p\s+probes\s+verdict$/);
  expect(table[4]).toMatch(/^capacity\s+-10\.0%\s+95\s+45\s+-52\.6%\s+95–99\.75 → 45–47\.25\s+-\s+0\/0\s+REGRESSED$/);
});

test('the limit is on the whole bracket: a first failing rate at the floor passes, just below it fails', () => {
  const baseline = search(100, 105);
  const absolute = { resolution: { kind: 'absolute' as const, rate: 10 } };
  expect(rowOf(compareCapacity(search(80, 90, absolute), baseline, 0.1, ref)).verdict).toBe('within the brackets');
  expect(rowOf(compareCapacity(search(80, 89.9, absolute), baseline, 0.1, ref)).verdict).toBe('regressed');
});

test('a search that passed max_rate has no upper end; one whose start rate fails is bounded by it', () => {
  const baseline = search(95, 99.75);
  // At least max_rate, perhaps much more: a max_rate under the floor can neither fail nor pass the gate.
  const belowFloor = search(80, undefined, { ended: { status: 'above-max-rate' }, maxRate: 80 });
  expect(belowFloor.status).toBe('above-max-rate');
  expect(rowOf(compareCapacity(belowFloor, baseline, 0.1, ref))).toMatchObject({
    verdict: 'no data',
    note: "every probe up to max_rate 80 req/s passed, below the baseline's passing 95 less the limit (85.5): raise max_rate above 85.5 to compare",
  });
  expect(rowOf(compareCapacity(search(200, undefined, { ended: { status: 'above-max-rate' }, maxRate: 200 }), baseline, 0.1, ref))).toMatchObject({ verdict: 'passed', now: 200, high: null });

  const startFails = search(undefined, 40);
  expect(startFails.status).toBe('start-rate-fails');
  expect(rowOf(compareCapacity(startFails, baseline, 0.1, ref))).toMatchObject({ verdict: 'regressed', now: 0, brackets: { now: { lastPassing: 0, firstFailing: 40 } } });

  // A baseline that passed max_rate: its upper end is open, so is the low end of the change.
  const openBaseline = search(100, undefined, { ended: { status: 'above-max-rate' }, maxRate: 100 });
  expect(rowOf(compareCapacity(search(95, 99.75), openBaseline, 0.1, ref))).toMatchObject({ verdict: 'passed', low: null });
  expect(renderRegressionTable(compareCapacity(search(95, 99.75), openBaseline, 0.1, ref))).toContain('≥100 → 95–99.75');
});

test('a baseline search that found no capacity cannot be compared, and says so', () => {
  const unresolved = search(60, 100, { ended: { status: 'out-of-time' } });
  expect(unresolved.status).toBe('unresolved');
  const report = compareCapacity(search(95, 99.75), unresolved, 0.1, ref);
  expect(rowOf(report)).toMatchObject({ verdict: 'no data' });
  expect(regressionFailure({ job: 'j', step: 's', regression: report })?.message).toMatch(
    /^Regression in j\/s against b\.json: capacity: no data \(the baseline search ended 'unresolved' \(max_duration ran out at the bracket 60–100 req\/s, wider than the resolution 5%\): only a search that found its capacity \(or passed max_rate\) can be compared with\)$/,
  );
  const saturated = search(40, undefined, { ended: { status: 'saturated', rate: 80 } });
  expect(rowOf(compareCapacity(search(95, 99.75), saturated, 0.1, ref)).note).toMatch(/^the baseline search ended 'generator-saturated'/);
  // A baseline step that is an index/query step holds no capacity.
  expect(rowOf(compareCapacity(search(95, 99.75), undefined, 0.1, ref)).note).toBe("the baseline's step j/s is not a find_capacity step (it holds no capacity)");
  // This search measured the generator: nothing to compare either.
  expect(rowOf(compareCapacity(search(40, undefined, { ended: { status: 'saturated', rate: 80 } }), search(95, 99.75), 0.1, ref)).note).toMatch(/^this search ended 'generator-saturated'/);
});
