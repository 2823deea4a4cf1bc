import { afterEach, expect, test } from 'vitest';
import type { Thresholds } from '../../src/load/load-params.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { formatStepSummary } from '../../src/report/format-step-summary.ts';
import { loadParams } from './support/load-params.ts';
import { createTimedFlowHandler } from './support/timed-flow-handler.ts';

let server: GatewayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Clients against a target served from this process: its work is the generator's work. */
async function runInProcess(burnMs: number, thresholds: Thresholds) {
  const { handler } = createTimedFlowHandler(burnMs > 0 ? 0 : 10, { worker: burnMs > 0 ? 0 : 10 }, { burnMs });
  server = await startGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v1', handler });
  return runLoad({
    // Three clients: while one request spins, the others' answers are already waiting, so a
    // spinning target leaves the loop no idle gap between requests.
    params: loadParams({ numClients: 3, executionTimeS: 3, thresholds }),
    target: { host: server.host, port: server.port, protocol: 'grpc', docarray: 'v1' },
    job: 'generator',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    // One usable core: what a generator pinned to one core may use.
    tuning: { cores: 1 },
  });
}

// No absolute CPU numbers: how much CPU this process gets depends on what else runs. What
// holds on a loaded machine: a thread that spins 40 ms per request for three clients never idles (its event loop
// is active nearly all the phase, however often the OS preempts it), and one that only waits
// on timers idles nearly all of it.
test('a generator that never idles is reported saturated, in the summary and the split; max_generator_cpu fails it', async () => {
  const report = await runInProcess(40, { maxGeneratorCpu: 0.02 });
  const load = report.generatorLoad!;
  expect(load.usableCores).toBe(1);
  expect(load.loopBusyShare).toBeGreaterThanOrEqual(0.9);
  expect(load.saturated).toBe(true);
  expect(formatStepSummary(report)).toContain('GENERATOR SATURATED, the results measure the generator, not the Flow');
  expect(report.roundTripSplit).toMatchObject({ status: 'split', generatorNote: expect.stringContaining('the generator was busy') });
  // Every phase second has its CPU sample, and they add up to the CPU measured around the phase.
  const sampled = report.series.filter((row) => row.generatorCores !== undefined);
  expect(sampled.length).toBeGreaterThanOrEqual(2);
  const sampledCpuS = sampled.reduce((sum, row) => sum + row.generatorCores!, 0);
  expect(sampledCpuS).toBeGreaterThan((report.generatorCpuMs / 1000) * 0.6);
  expect(sampledCpuS).toBeLessThan((report.generatorCpuMs / 1000) * 1.4 + 0.1);
  const threshold = report.thresholds.find((outcome) => outcome.name === 'max_generator_cpu');
  expect(threshold).toMatchObject({ limit: 0.02, measured: load.meanShare, passed: false });
});

test('a generator that mostly waits is not reported saturated, and max_generator_cpu passes', async () => {
  const report = await runInProcess(0, { maxGeneratorCpu: 0.9 });
  const load = report.generatorLoad!;
  expect(report.requests).toBeGreaterThan(20);
  expect(load.loopBusyShare).toBeLessThan(0.5);
  expect(load.saturated).toBe(false);
  expect(formatStepSummary(report)).toMatch(/generator CPU [\d.]+ of 1 cores/);
  expect(formatStepSummary(report)).not.toContain('SATURATED');
  expect(report.thresholds.find((outcome) => outcome.name === 'max_generator_cpu')).toMatchObject({ passed: true });
});
