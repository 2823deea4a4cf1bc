import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayClientFactory } from '../../src/gateway/gateway-client.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { runLoad, type RunLoadOptions } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';
import { watchTimerLag } from './support/timer-lag.ts';

let target: ReferenceTarget;

// 1 s requests; enough replicas that concurrent requests never queue at the executor.
const latencyMs = 1000;
const flow = `jtype: Flow
with: {protocol: grpc, port: 0}
executors:
  - {name: slow, uses: FaultExecutor, replicas: 16, uses_with: {latency_ms: ${latencyMs}}}
`;
/** The engine's default grace for requests in flight at the deadline. */
const graceMs = 50;
/** Reading the clock and building the report after the cut: a few event-loop turns. */
const bookkeepingMs = 20;

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

/** Epoch ms at which the phase's clock stopped. */
const endedAtMs = (report: LoadResult) => Date.parse(report.startedAt) + report.wallTimeS * 1000;

// Deadlines are judged against this process's own timer lateness, measured during the phase:
// the engine's timers share its event loop, so on a loaded machine they can be no more
// punctual than a bare timer, and an engine that waited for the 1 s requests would still
// overshoot by far more.
test('closed model: the deadline holds; requests in flight then are cut, not awaited', async () => {
  const lag = watchTimerLag();
  // Each client: request 1 over 0 → 1 s, request 2 from ~1 s is in flight at the 1.5 s deadline.
  const report = await run({ numClients: 2, executionTimeS: 1.5 });
  const returnedAfterMs = Date.now() - Date.parse(report.startedAt);
  lag.stop();

  expect(report.stoppedBy).toBe('deadline');
  expect(report.wallTimeS * 1000).toBeGreaterThanOrEqual(1500);
  expect(report.wallTimeS * 1000).toBeLessThanOrEqual(1500 + graceMs + lag.maxLagMs() + bookkeepingMs);
  expect(report.okRequests).toBe(2);
  expect(report.cutOff).toBe(2);
  expect(report.requests).toBe(2);
  // The seed waited for the whole batch: the second requests cannot end before 2 × 1 s, the
  // target's own sleep. The call returns before that.
  expect(returnedAfterMs).toBeLessThan(2 * latencyMs);
});

test('open model: the schedule ends at `duration`, and the deadline holds the same way', async () => {
  const lag = watchTimerLag();
  const report = await run({ numClients: 2, arrival: { arrivalRate: 10, durationS: 1.5, allowLag: false } });
  lag.stop();

  expect(report.stoppedBy).toBe('deadline');
  expect(report.wallTimeS * 1000).toBeGreaterThanOrEqual(1500);
  expect(report.wallTimeS * 1000).toBeLessThanOrEqual(1500 + graceMs + lag.maxLagMs() + bookkeepingMs);
  expect(report.scheduleLag).toMatchObject({ planned: 15, dropped: 0 });
  // Request i is sent at 0.1·i s at the earliest and takes 1 s: only those with
  // 0.1·i + 1 ≤ the phase's end can have been answered; every other one was cut, not awaited.
  const answerable = Math.floor((report.wallTimeS * 1000 - latencyMs) / 100) + 1;
  expect(report.okRequests! + report.cutOff!).toBe(15);
  expect(report.okRequests).toBeGreaterThanOrEqual(1);
  expect(report.okRequests).toBeLessThanOrEqual(answerable);
  expect(report.cutOff).toBeGreaterThanOrEqual(15 - answerable);
});

test('the abort signal stops the phase at once and returns the partial report, marked', async () => {
  const controller = new AbortController();
  let abortedAtMs = 0;
  let answered = 0;
  // Abort once both clients have their first answer (the target's 1 s), whenever that is on
  // this machine, with their second requests in flight.
  const createClient: GatewayClientFactory = (options) => {
    const client = createGatewayClient(options);
    const post = client.post.bind(client);
    client.post = async (request) => {
      const result = await post(request);
      if (++answered === 2) {
        setTimeout(() => {
          abortedAtMs = performance.timeOrigin + performance.now();
          controller.abort(new Error('test timeout'));
        }, 300);
      }
      return result;
    };
    return client;
  };
  const lag = watchTimerLag();
  const report = await run({ numClients: 2, executionTimeS: 10 }, { signal: controller.signal, createClient });
  lag.stop();

  expect(report.stoppedBy).toBe('signal');
  expect(report.stopDetail).toBe('test timeout');
  expect(endedAtMs(report)).toBeGreaterThanOrEqual(abortedAtMs - 1);
  expect(endedAtMs(report) - abortedAtMs).toBeLessThanOrEqual(lag.maxLagMs() + bookkeepingMs);
  expect(report.okRequests).toBe(2);
  expect(report.cutOff).toBe(2);
});
