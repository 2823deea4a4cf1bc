import { afterEach, expect, test } from 'vitest';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import type { LoadProgress } from '../../src/load/load-merger.ts';
import { runLoad, type RunLoadOptions } from '../../src/load/run-load.ts';
import { renderThresholdTable } from '../../src/load/thresholds.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget | undefined;
afterEach(() => target?.stop());

async function run(flowYaml: string, params: Partial<LoadStepParams>, extra: Partial<RunLoadOptions> = {}) {
  target = await startReferenceTarget(flowYaml);
  return runLoad({
    params: loadParams(params),
    target: target.target,
    job: 'thresholds',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    ...extra,
  });
}

test('thresholds are judged against the measurements and a failing step gets a limit-vs-measured table', async () => {
  const progress: LoadProgress[] = [];
  const report = await run(
    faultFlow('work', '{latency_ms: 20}'),
    {
      executionTimeS: 3,
      thresholds: { p95Ms: 5, errorRate: 0.5, minQps: 1_000_000, executor: { work: { p95Ms: 100 }, ghost: { p99Ms: 1 } } },
    },
    { tuning: { progressIntervalS: 1 }, onProgress: (snapshot) => progress.push(snapshot) },
  );

  const byName = Object.fromEntries(report.thresholds.map((outcome) => [outcome.name, outcome]));
  expect(byName.p95_ms).toMatchObject({ limit: 5, measured: report.latency.p95Ms, passed: false });
  expect(byName.error_rate).toMatchObject({ limit: 0.5, measured: 0, passed: true });
  expect(byName.min_qps).toMatchObject({ measured: report.qps, passed: false });
  expect(byName['executor.work.p95_ms']).toMatchObject({ measured: report.executors[0]!.p95Ms, passed: true });
  expect(byName['executor.ghost.p99_ms']).toMatchObject({ passed: false });
  expect(byName['executor.ghost.p99_ms']!.note).toContain('never appeared in the response routes (seen: work)');

  const table = renderThresholdTable(report.thresholds).split('\n');
  expect(table[0]).toMatch(/^threshold\s+limit\s+measured\s+result$/);
  expect(table.find((line) => line.startsWith('p95_ms'))).toMatch(new RegExp(`^p95_ms\\s+5\\s+${report.latency.p95Ms.toFixed(2)}\\s+FAILED$`));
  expect(table.find((line) => line.startsWith('error_rate'))).toMatch(/^error_rate\s+0\.500\s+0\s+ok$/);

  // Live progress once a second, with the running totals and the last window's rates.
  expect(progress.map((snapshot) => snapshot.elapsedS).slice(0, 3)).toEqual([1, 2, 3]);
  expect(progress[1]!.requests).toBe(report.series[0]!.requests + report.series[1]!.requests);
  expect(progress[1]!.qps).toBe(report.series[1]!.requests);
  expect(progress[1]!.p99Ms).toBeGreaterThanOrEqual(20);
});

test('abort_on_fail stops an open-model phase once its error budget is certainly spent', async () => {
  const report = await run(faultFlow('broken', '{error_rate: 1}'), {
    abortOnFail: true,
    thresholds: { errorRate: 0.1 },
    arrival: { arrivalRate: 20, durationS: 10, allowLag: false },
  });

  // 10 % of 200 planned requests may fail; the 21st error decides it, a second or so in.
  expect(report.stoppedBy).toBe('threshold');
  expect(report.stopDetail).toMatch(/^error_rate: \d+ errors already exceed 0.1 of the 200 planned requests$/);
  expect(report.wallTimeS).toBeLessThan(3);
  expect(report.errors.statusByExecutor.broken).toBeGreaterThan(20);
  expect(report.thresholds.find((outcome) => outcome.name === 'error_rate')).toMatchObject({ passed: false, measured: 1 });
});

test('abort_on_fail stops a closed-model phase once max_violations is exceeded; samples keep request ids', async () => {
  const report = await run(
    faultFlow('work', '{latency_ms: 5}'),
    { executionTimeS: 10, abortOnFail: true, thresholds: { maxViolations: 30 }, onAlways: { method: 'always_wrong', kwargs: {} } },
    {
      // In-process factories: a check that finds every response wrong.
      createCheck: async () => (input) => [{ requestId: input.response.header.requestId, message: `${input.sent.length} doc(s) judged wrong` }],
    },
  );

  expect(report.stoppedBy).toBe('threshold');
  expect(report.stopDetail).toMatch(/^max_violations: \d+ violations > 30$/);
  expect(report.wallTimeS).toBeLessThan(3);
  expect(report.violations.count).toBeGreaterThan(30);
  expect(report.violations.samples).toHaveLength(10);
  for (const sample of report.violations.samples) expect(sample).toEqual({ requestId: expect.stringMatching(/^[0-9a-f]{32}$/), message: '1 doc(s) judged wrong' });
});
