import { afterEach, expect, test } from 'vitest';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { runLoad, type RunLoadOptions } from '../../src/load/run-load.ts';
import type { LoadProgress } from '../../src/load/load-merger.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';
import { watchTimerLag } from './support/timer-lag.ts';

let target: ReferenceTarget | undefined;
afterEach(() => target?.stop());

async function run(
  flowYaml: string,
  params: Partial<LoadStepParams>,
  extra: Pick<RunLoadOptions, 'onProgress' | 'tuning'> = {},
): Promise<LoadResult> {
  target = await startReferenceTarget(flowYaml);
  return runLoad({
    params: loadParams(params),
    target: target.target,
    job: 'errors',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    ...extra,
  });
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

  // Each request ended at its 100 ms timeout, not at the target's 400 ms answer: more of them
  // fit in the phase than 400 ms round trips could (2 clients × ⌈phase / 400 ms⌉).
  expect(report.requests).toBeGreaterThan(2 * Math.ceil((report.wallTimeS * 1000) / 400));
  expect(report.errors).toMatchObject({ total: report.requests, timeout: report.requests, connection: 0, statusByExecutor: {} });
  expect(report.errors.samples).toEqual([{ kind: 'timeout', requestId: expect.any(String), message: 'no answer within 100 ms' }]);
  expect(report.okRequests).toBe(0);
});

test('a target that dies mid-phase turns into connection errors; what was measured before stays', async () => {
  // Killed once the engine has reported its first second: what it counted then is the ground
  // truth of what was measured before the target died, however fast this machine is today.
  let beforeKill: LoadProgress | undefined;
  const lag = watchTimerLag();
  const report = await run(
    faultFlow('doomed', '{latency_ms: 5}'),
    { numClients: 2, executionTimeS: 3 },
    {
      tuning: { progressIntervalS: 1 },
      onProgress: (progress) => {
        if (beforeKill) return;
        beforeKill = progress;
        target!.kill();
      },
    },
  );
  lag.stop();

  expect(beforeKill!.requests).toBeGreaterThan(0);
  expect(beforeKill!.errors).toBe(0);
  expect(report.okRequests).toBeGreaterThanOrEqual(beforeKill!.requests);
  expect(report.errors.connection).toBeGreaterThan(0);
  expect(report.errors.total).toBe(report.errors.connection);
  expect(report.requests).toBe(report.okRequests! + report.errors.total);
  expect(report.stoppedBy).toBe('deadline');
  // Failing fast does not stretch the phase: it ends at its deadline (plus its grace and this
  // process's own timer lateness, measured meanwhile).
  expect(report.wallTimeS * 1000).toBeLessThanOrEqual(3000 + 50 + lag.maxLagMs() + 20);
});
