import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { judgeLoadStep } from '../../src/load/judge-load-step.ts';
import type { RegressionGate } from '../../src/load/load-params.ts';
import type { LoadResult, RegressionReport } from '../../src/load/load-result.ts';
import { compareWithBaseline, renderRegressionTable } from '../../src/load/regression-gate.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { type ReferenceTarget, startReferenceTarget } from './support/reference-target.ts';

// The regression gate on real load: reference Flows in their own processes, the engine
// against them, the gate comparing per-second samples. One Flow serves at a service time of
// SERVICE_MS (uniform ±10%), the other at 1.3× that: the "executor's service time raised by 30%".
// Long against the machine's noise, which is additive: a starved process wakes tens of ms late
// (a per-second p99 60–200 ms above the service time was seen here), so 30% of 400 ms stands
// out where 30% of 40 ms drowned. 24 clients on 24 replicas: ~60 requests a second, all asleep.
const SERVICE_MS = 400;
const CLIENTS = 24;
const flow = (meanMs: number) => `jtype: Flow
with: {protocol: grpc, port: 0}
executors:
  - name: slow
    uses: FaultExecutor
    uses_with: {latency_ms: {distribution: uniform, min: ${meanMs * 0.9}, max: ${meanMs * 1.1}}}
    replicas: ${CLIENTS}
`;
// The example limits: p99 +10%, qps -5%, and an executor's own p95 +15%.
const gate: RegressionGate = {
  source: { kind: 'file', file: '(in memory)' },
  ifMissing: 'fail',
  limits: [
    { metric: 'p99', limit: 0.1 },
    { metric: 'qps', limit: 0.05 },
    { metric: 'p95', executor: 'slow', limit: 0.15 },
  ],
};
// Quiet pairs: 4 s, 4 full seconds a side, the fewest for which one overlapping second still
// leaves the exact one-sided test below 0.05 (2/70); short, so 10 pairs take ~40 s.
const PHASE_S = 4;
// The slower Flow: 8 s a side. Power grows with seconds; measured here with a CPU hog on top of
// a load average of 15, 4 against 4 seconds missed p99 (+71%, p 0.057: one slow baseline
// second), while 8 against 8 tolerates several overlapping seconds (the exact 0.05 cut-off
// there allows U up to 15 of 64).
const SLOW_PHASE_S = 8;

let same: ReferenceTarget;
/** A second copy of the same Flow, so that a pair's two phases run at once (see the pairs test). */
let twin: ReferenceTarget;
let slower: ReferenceTarget;

beforeAll(async () => {
  [same, twin, slower] = await Promise.all([startReferenceTarget(flow(SERVICE_MS)), startReferenceTarget(flow(SERVICE_MS)), startReferenceTarget(flow(SERVICE_MS * 1.3))]);
}, 60_000);
afterAll(async () => {
  await Promise.all([same?.stop(), twin?.stop(), slower?.stop()]);
});

function phase(target: ReferenceTarget, step: string, seconds = PHASE_S): Promise<LoadResult> {
  // One client per replica: the service time, not a queue, is what the round trip measures.
  return runLoad({
    params: loadParams({ numClients: CLIENTS, executionTimeS: seconds }),
    target: target.target,
    job: 'gate',
    step,
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
  });
}

function compare(now: LoadResult, baseline: LoadResult): Extract<RegressionReport, { status: 'compared' }> {
  const report = compareWithBaseline(now, baseline, gate, { source: 'baseline.json', runId: 'base', createdAt: baseline.startedAt, job: 'gate', step: baseline.step });
  if (report.status !== 'compared') throw new Error(`not compared: ${JSON.stringify(report)}`);
  return report;
}

describe('the regression gate', () => {
  // 10 pairs, as the issue asks, and for a reason: each pair runs 3 comparisons, and the exact
  // one-sided test at 4 against 4 seconds rejects a true "no change" with probability 2/70 — so
  // the test alone would raise at least one false alarm in 30 comparisons 58% of the time
  // (1 - (68/70)^30). Thirty clean verdicts show the limit and the test together keep quiet
  // on this noisy machine, while each part alone would not.
  test('the same Flow run twice passes, 10 pairs in a row', async () => {
    const tables: string[] = [];
    for (let pair = 0; pair < 10; pair++) {
      // Both phases at once, on two copies of the same Flow: run one after the other, a burst
      // of other jobs' CPU lasting a phase (4 s) raised every second of one side and made a
      // false alarm in a full parallel test run at load average ~10 — the machine's change, not
      // the Flow's. At once, the bursts fall on both sides, as in the slower case below.
      const [baseline, now] = await Promise.all([phase(same, 'baseline'), phase(twin, 'now')]);
      const report = compare(now, baseline);
      tables.push(renderRegressionTable(report));
      for (const row of report.rows) {
        // Every metric was compared on the phase's full seconds, never the drain.
        expect(row.samples, row.metric).toEqual({ baseline: PHASE_S, now: PHASE_S });
        expect(row.verdict, tables.join('\n\n')).not.toBe('regressed');
        expect(row.verdict).not.toBe('no data');
        if (row.low !== null && row.high !== null) {
          expect(row.low).toBeLessThanOrEqual(row.change);
          expect(row.high).toBeGreaterThanOrEqual(row.change);
        }
      }
      // Through the one judge of a load step: the gate adds no failure.
      expect(judgeLoadStep({ ...now, regression: report }).status).toBe('passed');
    }
    console.log(`10 pairs of the same Flow:\n${tables.join('\n\n')}`);
  }, 240_000);

  test('with the service time raised by 30% it fails, naming p99, with the interval in the table', async () => {
    // Both at once: the machine's noise (additive, in bursts) then falls on the baseline's seconds
    // as on the slower Flow's. Run one after the other in CI beside a thousand other tests, a
    // burst inflated the baseline's p99 by 150 ms and hid the slower Flow's +30% (p 0.86) while its
    // executor's own p95 showed +26%.
    const [baseline, now] = await Promise.all([phase(same, 'index', SLOW_PHASE_S), phase(slower, 'index', SLOW_PHASE_S)]);
    const report = compare(now, baseline);
    const table = renderRegressionTable(report);
    console.log(table);
    const byMetric = Object.fromEntries(report.rows.map((row) => [row.metric, row]));
    const p99 = byMetric.p99!;
    expect(p99.verdict, table).toBe('regressed');
    expect(p99.change).toBeGreaterThan(0.1);
    expect(p99.low).toBeGreaterThan(0.1);
    expect(p99.pValue).toBeLessThanOrEqual(report.alpha);
    // Ground truth by construction: an executor's sleep is never shorter than asked, so its
    // per-second p95 is at least the upper end of its uniform range in both runs.
    const executor = byMetric['executor.slow.p95']!;
    expect(executor.baseline).toBeGreaterThanOrEqual(SERVICE_MS * 1.1 * 0.95);
    expect(executor.now).toBeGreaterThanOrEqual(SERVICE_MS * 1.3 * 1.1 * 0.95);
    expect(executor.verdict).toBe('regressed');

    const verdict = judgeLoadStep({ ...now, regression: report });
    expect(verdict.status).toBe('failed');
    if (verdict.status !== 'failed') return;
    expect(verdict.failure.code).toBe('REGRESSION');
    expect(verdict.failure.message).toMatch(/^Regression in gate\/index against baseline\.json: p99 \+\d+\.\d% \(limit \+10\.0%, 90% interval \+\d+\.\d% … \+\d+\.\d%, p (0\.\d+|\d\.\de-\d+)\)/);
    // The table shows baseline, now, change, interval and verdict per metric.
    const table99 = String(verdict.failure.details?.table);
    expect(table99).toMatch(/metric\s+limit\s+baseline\s+now\s+change\s+90% interval\s+p\s+seconds\s+verdict/);
    expect(table99).toMatch(new RegExp(`p99\\s+\\+10\\.0%\\s+${p99.baseline.toFixed(2)}\\s+${p99.now.toFixed(2)}\\s+\\+${(p99.change * 100).toFixed(1)}%\\s+\\+${(p99.low! * 100).toFixed(1)}% … \\+${(p99.high! * 100).toFixed(1)}%.*\\s${SLOW_PHASE_S}/${SLOW_PHASE_S}\\s+REGRESSED`));
  }, 60_000);
});
