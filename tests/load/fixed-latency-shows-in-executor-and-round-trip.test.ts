import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runLoad } from '../../src/load/run-load.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { measureBareRoundTrips, percentile } from './support/bare-round-trips.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startInProcessTarget } from './support/reference-target.ts';

let target: Awaited<ReturnType<typeof startInProcessTarget>>;
const latencyMs = 20;

beforeAll(async () => {
  // In process: the round trip should show the executor, not the OS waking a second process.
  target = await startInProcessTarget(faultFlow('slow', `{latency_ms: ${latencyMs}}`));
});
afterAll(() => target?.stop());

/** Durations of back-to-back `latencyMs` sleeps in this process while `during` runs: what its timers do now. */
async function timerDurationsDuring<T>(during: Promise<T>): Promise<{ value: T; sleptMs: number[] }> {
  const sleptMs: number[] = [];
  let isDone = false;
  const witness = (async () => {
    while (!isDone) {
      const startedAt = performance.now();
      await sleep(latencyMs);
      sleptMs.push(performance.now() - startedAt);
    }
  })();
  const value = await during.finally(() => (isDone = true));
  await witness;
  return { value, sleptMs };
}

interface Round {
  report: LoadResult;
  sleptMs: number[];
  bareMs: number[];
}

// Ground truth from the same run, not absolute times: the executor's time is compared with
// what this process's own timers did meanwhile (the executor is a timer in this process), and
// the engine's round trip with a bare grpc-js client's on the same target, taken in turns so
// both see the machine as loaded as it was then.
test('a fixed 20 ms executor shows as ~20 ms in the executor column, and the round trip adds no more than a bare client sees', async () => {
  const rounds: Round[] = [];
  for (let round = 0; round < 3; round++) {
    const { value: report, sleptMs } = await timerDurationsDuring(
      runLoad({
        // One client: a replica serves one request at a time, so a second client would queue.
        params: loadParams({ numClients: 1, executionTimeS: 1 }),
        target: target.target,
        job: 'latency',
        step: 'index',
        method: 'index',
        context: { baseDir: process.cwd(), helpersDir: process.cwd() },
      }),
    );
    const bareMs = await measureBareRoundTrips(target.target.port, target.target.docarray, 1000);
    rounds.push({ report, sleptMs, bareMs });
  }

  for (const { report, sleptMs } of rounds) {
    expect(report.errors.total).toBe(0);
    expect(report.executors.map((executor) => executor.executor)).toEqual(['slow']);
    const [slow] = report.executors;
    // The executor's time is its sleep: never less than the latency, and no later than this
    // process's own timers of the same length fired meanwhile (plus the routing around it).
    expect(slow!.p50Ms).toBeGreaterThanOrEqual(latencyMs);
    expect(slow!.p50Ms).toBeLessThanOrEqual(percentile(sleptMs, 90) + 0.5);
    // The executor's time is part of the round trip, and every ok response carried its route.
    expect(report.latency.p50Ms).toBeGreaterThanOrEqual(slow!.p50Ms);
    expect(slow!.count).toBe(report.okRequests);
    expect(slow!.share).toBe(1);
    expect(report.latency.minMs).toBeGreaterThanOrEqual(latencyMs * 0.95);
    // The gateway's own time sits inside the round trip, beside the executor's.
    expect(report.gatewayOverhead!.p50Ms).toBeLessThanOrEqual(report.latency.p50Ms - slow!.p50Ms + (slow!.p99Ms - slow!.p50Ms));
    // Closed model, one client: at most one request per latency, and busy most of the phase.
    expect(report.requests).toBeLessThanOrEqual(Math.ceil((report.wallTimeS * 1000) / latencyMs));
    expect(report.requests * report.latency.meanMs).toBeGreaterThan(0.5 * report.wallTimeS * 1000);
    expect(report.docs).toBe(report.okRequests);
    expect(report.series.reduce((sum, row) => sum + row.requests, 0)).toBe(report.requests);
  }
  // The engine's round trip against the bare client's (median of the rounds' p50s): what the
  // engine adds (encoding, recording, its own bookkeeping) is a small part of a round trip.
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ours = median(rounds.map(({ report }) => report.latency.p50Ms));
  const bare = median(rounds.map(({ bareMs }) => percentile(bareMs, 50)));
  expect(ours).toBeLessThanOrEqual(bare * 1.05);
});
