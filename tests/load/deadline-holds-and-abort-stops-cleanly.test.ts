import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LoadStepParams } from '../../src/config/plan.ts';
import { runLoad, type RunLoadOptions } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget;

// 1 s requests; enough replicas that concurrent requests never queue at the executor.
const flow = `jtype: Flow
with: {protocol: grpc, port: 0}
executors:
  - {name: slow, uses: FaultExecutor, replicas: 16, uses_with: {latency_ms: 1000}}
`;
beforeAll(async () => (target = await startReferenceTarget(flow)));
afterAll(() => target?.stop());

const run = (params: Partial<LoadStepParams>, extra: Partial<RunLoadOptions> = {}) =>
  runLoad({
    params: loadParams(params),
    target: target.target,
    job: 'deadline',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    ...extra,
  });

test('closed model: the deadline holds within 100 ms; requests in flight then are cut, not awaited', async () => {
  // Each client: request 1 over 0 → 1 s, request 2 from ~1 s is in flight at the 1.5 s deadline.
  const report = await run({ numClients: 2, executionTimeS: 1.5 });
  const returnedAfterMs = Date.now() - Date.parse(report.startedAt);

  expect(report.stoppedBy).toBe('deadline');
  expect(Math.abs(report.wallTimeS - 1.5)).toBeLessThan(0.1);
  expect(report.okRequests).toBe(2);
  expect(report.cutOff).toBe(2);
  expect(report.requests).toBe(2);
  // The seed waited for the whole batch (here until ~2 s); the call returns right after the deadline.
  expect(returnedAfterMs).toBeLessThan(1500 + 300);
});

test('open model: the schedule ends at `duration`, and the deadline holds the same way', async () => {
  const report = await run({ numClients: 2, arrival: { arrivalRate: 10, durationS: 1.5, allowLag: false } });

  expect(report.stoppedBy).toBe('deadline');
  expect(Math.abs(report.wallTimeS - 1.5)).toBeLessThan(0.1);
  expect(report.scheduleLag).toMatchObject({ planned: 15, dropped: 0 });
  // Sent at 0, 0.1, … 1.4 s, each taking 1 s: only those sent by ~0.5 s end before the deadline.
  expect(report.okRequests! + report.cutOff!).toBe(15);
  expect(report.cutOff).toBeGreaterThanOrEqual(8);
  expect(report.okRequests).toBeGreaterThanOrEqual(4);
});

test('the abort signal stops the phase at once and returns the partial report, marked', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('test timeout')), 1300);
  const report = await run({ numClients: 2, executionTimeS: 10 }, { signal: controller.signal });

  expect(report.stoppedBy).toBe('signal');
  expect(report.stopDetail).toBe('test timeout');
  expect(report.wallTimeS).toBeLessThan(1.4);
  expect(report.okRequests).toBe(2);
  expect(report.cutOff).toBe(2);
});
