import { afterEach, expect, test } from 'vitest';
import { searchCapacity } from '../../src/capacity/search-capacity.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { formatStepSummary } from '../../src/report/format-step-summary.ts';
import { loadParams } from '../load/support/load-params.ts';
import { createTimedFlowHandler } from '../load/support/timed-flow-handler.ts';

let server: GatewayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// A target served from the generator's own process counts as generator CPU: one that spins
// 30 ms per request, offered 40 requests a second, keeps the generator's only usable core
// (tuning: one core) busy all the time. The search must stop there and say the numbers would
// measure the generator, naming it as the binding resource, rather than report a capacity.
test('a probe that saturates the generator stops the search, which names the generator', async () => {
  const { handler } = createTimedFlowHandler(0, { worker: 0 }, { burnMs: 30 });
  server = await startGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v1', handler });
  const target = { host: server.host, port: server.port, protocol: 'grpc' as const, docarray: 'v1' as const };
  const logs: string[] = [];
  const { result, report } = await searchCapacity({
    plan: { startRate: 40, maxRate: 400, growth: 2, resolution: { kind: 'relative', share: 0.05 }, warmupS: 0.5, probeDurationS: 3, maxDurationS: 60, maxRepeats: 1 },
    objective: { p99Ms: 60_000, errorRate: 0.01 },
    log: (message) => logs.push(message),
    runPhase: ({ rate, durationS, graceMs, key }) =>
      runLoad({
        params: loadParams({ executionTimeS: durationS, arrival: { arrivalRate: rate, durationS, allowLag: true } }),
        target,
        job: 'capacity',
        step: 'find_capacity',
        method: 'query',
        context: { baseDir: process.cwd(), helpersDir: process.cwd() },
        tuning: { cores: 1, deadlineGraceMs: graceMs },
        runId: key,
      }),
  });
  expect(result.status, logs.join('\n')).toBe('generator-saturated');
  if (result.status !== 'generator-saturated') return;
  expect(result.saturatedAtRate).toBe(40);
  expect(result.probes).toHaveLength(1);
  expect(result.probes[0]!.generatorSaturated).toBe(true);
  expect(result.binding.resource).toBe('generator');
  expect(result.message).toBe('the generator saturated at 40 req/s: from there the probes would measure the generator, not the Flow');
  // The probe's own load result agrees, and the step's summary line leads with the answer.
  expect(report?.generatorLoad?.saturated).toBe(true);
  expect(formatStepSummary(report!)).toMatch(/^capacity unknown: the generator saturated at 40 req\/s.* \[generator-saturated\]; 1 probes in \d+ s; .*GENERATOR SATURATED/);
});
