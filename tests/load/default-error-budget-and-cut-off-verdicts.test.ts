import { afterEach, expect, test } from 'vitest';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import { judgeLoadStep } from '../../src/load/judge-load-step.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { formatStepSummary } from '../../src/report/format-step-summary.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget | undefined;
afterEach(() => target?.stop());

/** `during` gets the target once the phase has run a second (its first progress report). */
async function run(flowYaml: string, params: Partial<LoadStepParams>, during?: (target: ReferenceTarget) => void): Promise<LoadResult> {
  const started = await startReferenceTarget(flowYaml);
  target = started;
  let isStarted = false;
  return runLoad({
    params: loadParams(params),
    target: started.target,
    job: 'verdicts',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    tuning: { progressIntervalS: 1 },
    onProgress: () => {
      if (isStarted) return;
      isStarted = true;
      during?.(started);
    },
  });
}

test('a step whose target dies mid-phase fails on the default error budget, and its summary shows rate and budget', async () => {
  // Issue 9, item 5: the agent killed mid-phase left 96% errors and a green step.
  const result = await run(faultFlow('work', '{latency_ms: 2}'), { numClients: 2, executionTimeS: 4 }, (t) => t.kill());
  expect(result.okRequests).toBeGreaterThan(0);
  const rate = result.errors.total / result.requests;
  expect(rate).toBeGreaterThan(0.01);

  const budget = result.thresholds.find((outcome) => outcome.name === 'error_rate');
  expect(budget).toMatchObject({ limit: 0.01, measured: rate, passed: false });
  expect(budget?.note).toContain('default error budget');

  const verdict = judgeLoadStep(result);
  expect(verdict.status).toBe('failed');
  if (verdict.status !== 'failed') return;
  expect(verdict.failure.code).toBe('THRESHOLD');
  expect(verdict.failure.message).toMatch(/^Threshold breached in verdicts\/index: error_rate measured 0\.\d{4}, limit 0\.0100 \(the default error budget/);
  expect(verdict.failure.hint).toContain('thresholds.error_rate');

  const percent = `${(rate * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
  expect(formatStepSummary(result)).toContain(`, ${result.errors.total.toLocaleString('en-US')} errors (${percent}, budget 1%)`);
}, 60_000);

test('the error budget is the step\'s own: thresholds.error_rate raises it', async () => {
  const result = await run(faultFlow('flaky', '{error_rate: 0.3, seed: budget-test}'), { numClients: 2, executionTimeS: 2 });
  const rate = result.errors.total / result.requests;
  expect(rate).toBeGreaterThan(0.15);
  expect(rate).toBeLessThan(0.45);
  // Judged as configured (no error_rate: the default budget of 1%) ...
  expect(judgeLoadStep(result)).toMatchObject({ status: 'failed', failure: { code: 'THRESHOLD' } });
  // ... and as a step that allows half its requests to fail.
  const lenient: LoadResult = { ...result, config: { ...result.config, thresholds: { errorRate: 0.5 } } };
  const verdict = judgeLoadStep(lenient);
  expect(verdict.status).toBe('passed');
  expect(verdict.thresholds.find((outcome) => outcome.name === 'error_rate')).toMatchObject({ limit: 0.5, measured: rate, passed: true });
  expect(formatStepSummary(lenient)).toContain('budget 50%)');
}, 60_000);

test('requests cut off unanswered are said to be cut off, not "0 sent ... is the Flow running?"', async () => {
  // Issue 9, item 9: an executor stalled past execution_time; its requests were in flight at the end.
  const result = await run(faultFlow('stalled', '{latency_ms: 8000}'), { numClients: 2, executionTimeS: 1, requestTimeoutMs: 30_000 });
  expect(result.okRequests).toBe(0);
  expect(result.cutOff).toBeGreaterThan(0);

  const verdict = judgeLoadStep(result);
  expect(verdict.status).toBe('failed');
  if (verdict.status !== 'failed') return;
  expect(verdict.failure.code).toBe('STEP_FAILED');
  const sent = result.requests + result.cutOff;
  expect(verdict.failure.message).toContain(`index: no request succeeded (${sent} sent: `);
  expect(verdict.failure.message).toContain(`${result.cutOff} cut off in flight when the phase ended`);
  expect(verdict.failure.message).not.toContain('0 sent');
  expect(verdict.failure.hint).not.toContain('is the Flow running');
  expect(verdict.failure.hint).toContain('did not answer them in time');
}, 60_000);
