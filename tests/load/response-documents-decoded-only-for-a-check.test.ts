import { afterEach, expect, test } from 'vitest';
import type { GatewayClient, GatewayClientOptions, PostResult } from '../../src/gateway/gateway-client.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import { runLoad, type RunLoadOptions } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { faultFlow, startInProcessTarget } from './support/reference-target.ts';

let stop: (() => Promise<void>) | undefined;
afterEach(() => stop?.());

/** The real client, with every result it hands the engine kept for the test. */
function observedClients(results: PostResult[], options: GatewayClientOptions[]): Pick<RunLoadOptions, 'createClient'> {
  return {
    createClient(clientOptions) {
      options.push(clientOptions);
      const client = createGatewayClient(clientOptions);
      const observed: GatewayClient = {
        target: client.target,
        connect: (signal) => client.connect(signal),
        post: async (request) => {
          const result = await client.post(request);
          results.push(result);
          return result;
        },
        dryRun: () => client.dryRun(),
        info: () => client.info(),
        close: () => client.close(),
      };
      return observed;
    },
  };
}

async function phase(onAlways: boolean, extra: Partial<RunLoadOptions>) {
  const reference = await startInProcessTarget(faultFlow('work', '{latency_ms: 1}'));
  stop = reference.stop;
  return runLoad({
    params: loadParams({ executionTimeS: 1, requestSize: 3, ...(onAlways ? { onAlways: { method: 'ids_come_back', kwargs: {} } } : {}) }),
    target: reference.target,
    job: 'decode',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    ...extra,
  });
}

test('with an on_always check, the check sees every response with its documents', async () => {
  const results: PostResult[] = [];
  const options: GatewayClientOptions[] = [];
  const report = await phase(true, {
    ...observedClients(results, options),
    createCheck: async () => (input) =>
      input.response.docs.map((doc) => doc.id).join() === input.sent.map((doc) => doc.id).join()
        ? []
        : [{ requestId: input.response.header.requestId, message: `sent ${input.sent.length}, got ${input.response.docs.length} documents back` }],
  });
  expect(options.map((option) => option.decodeDocs)).toEqual([true]);
  expect(report.requests).toBeGreaterThan(10);
  expect(report.errors.total).toBe(0);
  expect(report.violations.count).toBe(0);
  expect(results.every((result) => result.status === 'ok' && result.response.docs.length === 3)).toBe(true);
});

test('without a check, responses are recorded from their routes and their documents stay undecoded', async () => {
  const results: PostResult[] = [];
  const options: GatewayClientOptions[] = [];
  const report = await phase(false, observedClients(results, options));
  expect(options.map((option) => option.decodeDocs)).toEqual([false]);
  expect(report.requests).toBeGreaterThan(10);
  expect(report.docs).toBe(report.requests * 3);
  // Executor times still come from the routes of every response.
  expect(report.executors.map((executor) => executor.executor)).toEqual(['work']);
  expect(report.executors[0]!.p50Ms).toBeGreaterThanOrEqual(1);
  expect(results.length).toBeGreaterThan(10);
  for (const result of results) {
    expect(result.status).toBe('ok');
    if (result.status === 'ok') expect(result.response.docs).toEqual([]);
  }
});
