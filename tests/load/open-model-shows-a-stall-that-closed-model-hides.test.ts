import { afterEach, expect, test } from 'vitest';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import { decodeHistogram, initHistograms } from '../../src/load/histogram.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

// A test may start several targets (one per model): stop every one, not only the last.
const targets: ReferenceTarget[] = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((target) => target.stop()));
});

const stallMs = 1000;

/**
 * Round trips of the report longer than `ms`, from its histogram (ranks searched by
 * percentile: the histogram keeps counts per bucket, not a count above a value).
 */
async function countAbove(report: LoadResult, ms: number): Promise<number> {
  await initHistograms();
  const histogram = decodeHistogram(report.histograms.roundTrip);
  try {
    const total = histogram.totalCount;
    let low = 0;
    let high = total;
    while (low < high) {
      const rank = Math.ceil((low + high) / 2);
      if (histogram.getValueAtPercentile((100 * rank) / total) / 1000 <= ms) low = rank;
      else high = rank - 1;
    }
    return total - low;
  } finally {
    histogram.destroy();
  }
}

/** A 4 s phase against a 10 ms executor whose whole process freezes for 1 s at t = 1.5 s. */
async function runThroughStall(params: Partial<LoadStepParams>): Promise<LoadResult> {
  const running = await startReferenceTarget(faultFlow('work', '{latency_ms: 10}').replace('uses: FaultExecutor', 'uses: FaultExecutor, replicas: 8'));
  targets.push(running);
  const [report] = await Promise.all([
    runLoad({
      params: loadParams({ executionTimeS: 4, ...params }),
      target: running.target,
      job: 'stall',
      step: 'index',
      method: 'index',
      context: { baseDir: process.cwd(), helpersDir: process.cwd() },
      }),
    new Promise((resolve) => setTimeout(resolve, 1500)).then(() => running.stall(stallMs)),
  ]);
  return report;
}

test('the open model puts a 1 s stall into p99; the closed model of the same target hides it (one slow sample per client)', async () => {
  const open = await runThroughStall({ numClients: 4, arrival: { arrivalRate: 50, durationS: 4, allowLag: false } });
  const closed = await runThroughStall({ numClients: 4 });

  // Open: the ~50 requests due during the stall were still sent on time and waited up to 1 s;
  // counted from their intended start, a sixth of all samples are slow.
  expect(open.errors.total).toBe(0);
  expect(open.scheduleLag).toMatchObject({ planned: 200, dropped: 0 });
  expect(open.latency.p99Ms).toBeGreaterThan(0.8 * stallMs);
  expect(open.latency.p90Ms).toBeGreaterThan(200);
  // Closed: each client simply waited, so at most one sample per client saw the stall (each
  // had one request in flight when the target froze), however many samples a busy machine
  // managed around it; only max tells. Open: every request due during the stall waited.
  expect(closed.errors.total).toBe(0);
  expect(closed.latency.maxMs).toBeGreaterThan(0.8 * stallMs);
  expect(await countAbove(closed, stallMs / 2)).toBeLessThanOrEqual(4);
  // 50/s over the second half of the stall at least: ~25 requests waited over half of it.
  expect(await countAbove(open, stallMs / 2)).toBeGreaterThanOrEqual(20);
  // And the closed model sent nothing during the stall: a gap in its per-second series. The
  // frozen second straddles seconds 1 and 2 (where it falls depends on connection set-up), so
  // together they carry about one second of traffic instead of two.
  const [second1, second2] = closed.series.slice(1, 3).map((row) => row.requests);
  expect((second1 ?? 0) + (second2 ?? 0)).toBeLessThan(1.5 * Math.max(...closed.series.map((row) => row.requests)));
});

test('an in-flight cap that the stall exceeds drops requests, and the step fails unless allow_lag', async () => {
  const capped = await runThroughStall({ numClients: 2, arrival: { arrivalRate: 50, durationS: 4, maxInFlight: 5, allowLag: false } });

  expect(capped.scheduleLag!.dropped).toBeGreaterThan(30);
  expect(capped.requests + capped.scheduleLag!.dropped + capped.cutOff!).toBe(200);
  const lag = capped.thresholds.find((outcome) => outcome.name === 'schedule_lag');
  expect(lag).toMatchObject({ passed: false, limit: 0 });
  expect(lag!.measured).toBeGreaterThanOrEqual(capped.scheduleLag!.dropped);
  expect(lag!.note).toContain('dropped at the in-flight cap');
});
