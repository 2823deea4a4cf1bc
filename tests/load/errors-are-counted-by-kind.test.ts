import { afterEach, expect, test } from 'vitest';
import type { LoadStepParams } from '../../src/config/plan.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { StepReport } from '../../src/report/step-report.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget | undefined;
afterEach(() => target?.stop());

async function run(flowYaml: string, params: Partial<LoadStepParams>, during?: (target: ReferenceTarget) => Promise<void>): Promise<StepReport> {
  target = await startReferenceTarget(flowYaml);
  const [report] = await Promise.all([
    runLoad({
      params: loadParams(params),
      target: target.target,
      job: 'errors',
      step: 'index',
      method: 'index',
      context: { baseDir: process.cwd(), helpersDir: process.cwd() },
      }),
    during?.(target),
  ]);
  return report;
}

test('an executor raising is counted as an error status of that deployment, not of the one before it', async () => {
  const flow = faultFlow('flaky', '{error_rate: 0.3, seed: errors-test}', '  - {name: encoder, uses: FaultExecutor}\n');
  const report = await run(flow, { numClients: 2, executionTimeS: 2 });

  const raised = report.errors.statusByExecutor.flaky ?? 0;
  expect(Object.keys(report.errors.statusByExecutor)).toEqual(['flaky']);
  expect(report.errors).toMatchObject({ total: raised, connection: 0, timeout: 0, protocol: 0 });
  expect(report.okRequests! + raised).toBe(report.requests);
  expect(raised / report.requests).toBeGreaterThan(0.15);
  expect(raised / report.requests).toBeLessThan(0.45);
  // Failed requests carry no latency sample; ok ones went through both executors.
  expect(report.latency.count).toBe(report.okRequests);
  expect(report.series.reduce((sum, row) => sum + row.errors, 0)).toBe(raised);
  // And the report says why: one sample per distinct failure, with the request id.
  expect(report.errors.samples).toEqual([
    { kind: 'error-status', requestId: expect.stringMatching(/^[0-9a-f]{32}$/), executor: 'flaky', message: "RuntimeError('injected fault in flaky')" },
  ]);
});

test('requests slower than request_timeout are counted as timeouts', async () => {
  const report = await run(faultFlow('stuck', '{latency_ms: 400}'), { numClients: 2, executionTimeS: 1, requestTimeoutMs: 100 });

  expect(report.requests).toBeGreaterThanOrEqual(2 * 8);
  expect(report.errors).toMatchObject({ total: report.requests, timeout: report.requests, connection: 0, statusByExecutor: {} });
  expect(report.errors.samples).toEqual([{ kind: 'timeout', requestId: expect.any(String), message: 'no answer within 100 ms' }]);
  expect(report.okRequests).toBe(0);
});

test('a target that dies mid-phase turns into connection errors; what was measured before stays', async () => {
  const report = await run(faultFlow('doomed', '{latency_ms: 5}'), { numClients: 2, executionTimeS: 2 }, async (running) => {
    await new Promise((resolve) => setTimeout(resolve, 800));
    running.kill();
  });

  expect(report.okRequests).toBeGreaterThan(20);
  expect(report.errors.connection).toBeGreaterThan(0);
  expect(report.errors.total).toBe(report.errors.connection);
  expect(report.requests).toBe(report.okRequests! + report.errors.total);
  expect(report.stoppedBy).toBe('deadline');
  expect(report.wallTimeS).toBeLessThan(2.1);
});
