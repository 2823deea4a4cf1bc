import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataRequest, Route } from '../../../src/protocol/data-request.ts';
import type { GatewayHandler } from '../../../src/reference-runtime/gateway/gateway-handler.ts';

/** What the target measured it spent, summed over the requests it answered (ms). */
export interface SleptTotals {
  requests: number;
  /** The gateway's own sleeps (outside every executor). */
  gatewayMs: number;
  /** Executor sleeps, by executor. */
  executorMs: Record<string, number>;
}

const epochUs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

/**
 * A Flow with a known gateway delay and known executor times, behind the real wire servers:
 * the gateway sleeps `gatewayDelayMs` before routing, then each executor sleeps its time in
 * turn. Routes are stamped as Jina's gateway does (a `gateway` route spanning the request,
 * one per executor), and the handler records what each sleep actually took — the ground
 * truth a loaded machine allows, not the nominal times. `burnMs` spins the CPU synchronously
 * in the gateway for each request.
 */
export function createTimedFlowHandler(
  gatewayDelayMs: number,
  executors: Record<string, number>,
  options: { burnMs?: number } = {},
): { handler: GatewayHandler; slept: SleptTotals } {
  const slept: SleptTotals = { requests: 0, gatewayMs: 0, executorMs: Object.fromEntries(Object.keys(executors).map((name) => [name, 0])) };
  const handler: GatewayHandler = {
    async process(request: DataRequest): Promise<DataRequest> {
      const gateway: Route = { executor: 'gateway', startUs: epochUs() };
      const routes: Route[] = [gateway];
      const gatewayStarted = performance.now();
      await sleep(gatewayDelayMs);
      const gatewaySlept = performance.now() - gatewayStarted;
      // CPU work on this thread (a target in the generator's process keeps its loop busy).
      const burnUntil = performance.now() + (options.burnMs ?? 0);
      while (performance.now() < burnUntil);
      const executorSlept: Record<string, number> = {};
      for (const [executor, ms] of Object.entries(executors)) {
        const route: Route = { executor, startUs: epochUs() };
        const started = performance.now();
        await sleep(ms);
        executorSlept[executor] = performance.now() - started;
        route.endUs = epochUs();
        routes.push(route);
      }
      gateway.endUs = epochUs();
      slept.requests++;
      slept.gatewayMs += gatewaySlept;
      for (const [executor, ms] of Object.entries(executorSlept)) slept.executorMs[executor]! += ms;
      return { header: { ...request.header, status: { code: 0, description: '' } }, parameters: request.parameters, routes, docs: request.docs };
    },
    dryRun: async () => ({ code: 0, description: '' }),
    info: () => ({ jina: {}, envs: {} }),
    endpoints: () => ['/index', '/search'],
  };
  return { handler, slept };
}
