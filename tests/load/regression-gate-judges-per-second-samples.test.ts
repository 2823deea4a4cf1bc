import { expect, test } from 'vitest';
import type { RegressionGate } from '../../src/load/load-params.ts';
import type { SecondSample } from '../../src/load/load-result.ts';
import { compareWithBaseline, regressionFailure } from '../../src/load/regression-gate.ts';

// The gate's rules on series built here, where the answer is known: which seconds count, when
// a change beyond the limit fails, and what "no data" says. (Real load: the sibling test.)
const ref = { source: 'b.json', runId: 'r1', createdAt: '2026-12-06T00:00:00Z', job: 'j', step: 's' };
const gate = (limits: RegressionGate['limits']): RegressionGate => ({ source: { kind: 'file', file: 'b.json' }, ifMissing: 'fail', limits });

function run(p99s: number[], options: { wallTimeS?: number; executor?: number[]; noP95?: boolean } = {}) {
  const series: SecondSample[] = p99s.map((p99Ms, second) => ({
    second,
    requests: 100,
    docs: 100,
    errors: 0,
    p50Ms: p99Ms / 2,
    p99Ms,
    ...(options.noP95 ? {} : { p95Ms: p99Ms * 0.9 }),
    executorMeanMs: options.executor ? ({ enc: options.executor[second]! } as Record<string, number>) : {},
    ...(options.executor ? { executorP95Ms: { enc: options.executor[second]! }, executorP99Ms: { enc: options.executor[second]! } } : {}),
  }));
  return { series, wallTimeS: options.wallTimeS ?? p99s.length };
}

test('the last, partial second (the drain) is left out', () => {
  // 5 rows, 4.2 s of wall time: second 4 covers 4.0–5.0 s and is cut; its huge p99 must not count.
  const report = compareWithBaseline(run([10, 11, 10, 11, 500], { wallTimeS: 4.2 }), run([10, 11, 10, 11]), gate([{ metric: 'p99', limit: 0.1 }]), ref);
  if (report.status !== 'compared') throw new Error('not compared');
  expect(report.rows[0]).toMatchObject({ samples: { baseline: 4, now: 4 }, verdict: 'passed', change: 0 });
});

test('20% worse in every second fails a 10% limit; 20% worse in one second of five does not', () => {
  const baseline = run([100, 101, 99, 98, 102]);
  const everySecond = compareWithBaseline(run([120, 121, 119, 118, 122]), baseline, gate([{ metric: 'p99', limit: 0.1 }]), ref);
  if (everySecond.status !== 'compared') throw new Error('not compared');
  // Every pairwise difference is 16..24 ms: HL shift 20 over the median 100.
  expect(everySecond.rows[0]).toMatchObject({ verdict: 'regressed', change: 0.2, baseline: 100, now: 120 });
  expect(everySecond.rows[0]!.pValue).toBeCloseTo(1 / 252, 10); // exact: no overlap, 5 against 5
  expect(regressionFailure({ job: 'j', step: 's', regression: everySecond })?.message).toMatch(/^Regression in j\/s against b\.json: p99 \+20\.0% \(limit \+10\.0%, 90% interval \+\d+\.\d% … \+\d+\.\d%, p 0\.004\)$/);

  const oneSecond = compareWithBaseline(run([100, 101, 99, 130, 97]), baseline, gate([{ metric: 'p99', limit: 0.1 }]), ref);
  if (oneSecond.status !== 'compared') throw new Error('not compared');
  expect(oneSecond.rows[0]!.verdict).toBe('passed');
  expect(regressionFailure({ job: 'j', step: 's', regression: oneSecond })).toBeUndefined();
});

test('beyond the limit but within what the seconds support is "not significant", and passes', () => {
  // HL shift +24% against a 10% limit, but the seconds overlap widely.
  const report = compareWithBaseline(run([118, 160, 96, 150, 113]), run([100, 86, 111, 94, 121]), gate([{ metric: 'p99', limit: 0.1 }]), ref);
  if (report.status !== 'compared') throw new Error('not compared');
  expect(report.rows[0]!.change).toBe(0.24);
  expect(report.rows[0]!.verdict).toBe('not significant');
  expect(regressionFailure({ job: 'j', step: 's', regression: report })).toBeUndefined();
});

test('rates regress downwards: fewer requests per second', () => {
  const slower = run([1, 1, 1, 1]);
  slower.series.forEach((sample) => (sample.requests = 70));
  const report = compareWithBaseline(slower, run([1, 1, 1, 1]), gate([{ metric: 'qps', limit: 0.05 }]), ref);
  if (report.status !== 'compared') throw new Error('not compared');
  expect(report.rows[0]).toMatchObject({ metric: 'qps', limit: -0.05, change: -0.3, verdict: 'regressed' });
});

test('what cannot be compared is "no data" with the reason, and fails', () => {
  const report = compareWithBaseline(
    run([10, 10, 10, 10], { executor: [5, 5, 5, 5] }),
    run([10, 10, 10, 10], { noP95: true }),
    gate([
      { metric: 'p95', limit: 0.1 },
      { metric: 'p95', executor: 'enc', limit: 0.1 },
      { metric: 'mean', executor: 'idx', limit: 0.1 },
    ]),
    ref,
  );
  if (report.status !== 'compared') throw new Error('not compared');
  expect(report.rows.map((row) => [row.metric, row.verdict, row.note])).toEqual([
    ['p95', 'no data', 'no per-second p95 recorded (a run of an older version, or merged from segments)'],
    ['executor.enc.p95', 'no data', 'no per-second executor p95 recorded (a run of an older version, or merged from segments)'],
    ['executor.idx.mean', 'no data', 'executor "idx" never appeared in its response routes'],
  ]);
  expect(regressionFailure({ job: 'j', step: 's', regression: report })?.code).toBe('REGRESSION');

  const short = compareWithBaseline(run([10, 10]), run([10, 10, 10]), gate([{ metric: 'p99', limit: 0.1 }]), ref);
  if (short.status !== 'compared') throw new Error('not compared');
  expect(short.rows[0]!.note).toBe('too few full seconds with data (this run has 2; at least 3 needed)');
});
