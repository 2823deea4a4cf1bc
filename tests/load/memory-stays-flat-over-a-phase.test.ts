import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runLoad } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget;
beforeAll(async () => (target = await startReferenceTarget(faultFlow('fast', '{latency_ms: 0}').replace('uses: FaultExecutor', 'uses: FaultExecutor, replicas: 8'))));
afterAll(() => target?.stop());

// A full collection on demand, without restarting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Requests between the two heap readings: enough that 10 bytes kept per request would show. */
const requestsBetweenReadings = 5000;

test('heap stays flat while a phase records: no per-request state is kept', async () => {
  // Read by request count, not by time: on a busy machine the phase runs until enough
  // requests went by (the phase is long; it is stopped after the second reading).
  const heap: Array<{ requests: number; bytes: number }> = [];
  const controller = new AbortController();
  const report = await runLoad({
    params: loadParams({ numClients: 8, prefetch: 2, executionTimeS: 120 }),
    target: target.target,
    job: 'memory',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    signal: controller.signal,
    tuning: { progressIntervalS: 1 },
    // Measured inside the phase, where a leak would show before the recorder is dropped; the
    // first reading after a warm-up second.
    onProgress: (progress) => {
      if (heap.length === 0 && progress.elapsedS >= 2) heap.push({ requests: progress.requests, bytes: heapAfterGc() });
      else if (heap.length === 1 && progress.requests - heap[0]!.requests >= requestsBetweenReadings) {
        heap.push({ requests: progress.requests, bytes: heapAfterGc() });
        controller.abort(new Error('measured'));
      }
    },
  });

  expect(report.errors.total).toBe(0);
  expect(heap).toHaveLength(2);
  const [early, late] = heap as [(typeof heap)[0], (typeof heap)[0]];
  const requestsBetween = late.requests - early.requests;
  expect(requestsBetween).toBeGreaterThanOrEqual(requestsBetweenReadings);
  // Measured here: the heap shrinks by ~0.8 MB over ~40k requests (warm-up garbage goes);
  // keeping each PostResult would add ~1.8 KB per request, a number per request 8 bytes.
  expect((late.bytes - early.bytes) / requestsBetween).toBeLessThan(10);
  expect(late.bytes - early.bytes).toBeLessThan(1024 * 1024);
}, 150_000);
