import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunPhase, searchCapacity } from '../../src/capacity/search-capacity.ts';
import type { CapacityPlan } from '../../src/load/capacity-result.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { loadParams } from '../load/support/load-params.ts';
import { createTimedFlowHandler } from '../load/support/timed-flow-handler.ts';

// A target that answers every request after 2 ms, however many at once: no rate in reach
// breaks a 500 ms p99. What ends the search is then one of its bounds, and it says which.
let server: GatewayServer;
let runPhase: RunPhase;
const base: Omit<CapacityPlan, 'maxRate' | 'maxDurationS'> = {
  startRate: 20,
  growth: 2,
  resolution: { kind: 'relative', share: 0.05 },
  warmupS: 0.5,
  probeDurationS: 1.5,
  maxRepeats: 1,
};

beforeAll(async () => {
  server = await startGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v1', handler: createTimedFlowHandler(0, { worker: 2 }).handler });
  const target = { host: server.host, port: server.port, protocol: 'grpc' as const, docarray: 'v1' as const };
  runPhase = ({ rate, durationS, graceMs, key }) =>
    runLoad({
      params: loadParams({ executionTimeS: durationS, arrival: { arrivalRate: rate, durationS, allowLag: true } }),
      target,
      job: 'capacity',
      step: 'find_capacity',
      method: 'query',
      context: { baseDir: process.cwd(), helpersDir: process.cwd() },
      tuning: { deadlineGraceMs: graceMs },
      runId: key,
    });
});

afterAll(() => server?.close());

test('every probe up to max_rate passing is the answer "at least max_rate"', async () => {
  const { result, report } = await searchCapacity({ plan: { ...base, maxRate: 50, maxDurationS: 60 }, objective: { p99Ms: 500, errorRate: 0.01 }, runPhase, log: () => {} });
  expect(result.status).toBe('above-max-rate');
  // 20, 40, then max_rate itself rather than 80.
  expect(result.probes.map((probe) => [probe.offeredRate, probe.passed])).toEqual([
    [20, true],
    [40, true],
    [50, true],
  ]);
  if (result.status === 'above-max-rate') expect(result.maxSustainableRate).toBe(50);
  expect(report?.config.arrival?.arrivalRate).toBe(50);
  expect(result.knee).toEqual({ status: 'not-reached', note: 'throughput followed the offered load up to 50 req/s' });
});

test('a search that max_duration cuts short ends within it and says what it knows', async () => {
  const maxDurationS = 7;
  const started = performance.now();
  const { result } = await searchCapacity({ plan: { ...base, maxRate: 10_000, maxDurationS }, objective: { p99Ms: 500, errorRate: 0.01 }, runPhase, log: () => {} });
  const elapsedS = (performance.now() - started) / 1000;
  expect(result.status).toBe('unresolved');
  expect(elapsedS).toBeLessThanOrEqual(maxDurationS);
  expect(result.elapsedS).toBeLessThanOrEqual(maxDurationS);
  expect(result.probes.length).toBeGreaterThanOrEqual(1);
  expect(result.probes.every((probe) => probe.passed)).toBe(true);
  if (result.status === 'unresolved') {
    expect(result.maxSustainableRate).toBe(result.probes[result.probes.length - 1]!.offeredRate);
    expect(result.firstFailingRate).toBeUndefined();
  }
  expect(result.message).toMatch(/^max_duration ran out while growing: every probe up to [\d.]+ req\/s met the objective$/);
});
