import { describe, expect, test } from 'vitest';
import type { GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { startInProcessTarget } from './support/reference-target.ts';

const protocols: GatewayProtocol[] = ['grpc', 'websocket', 'http'];

describe.each(protocols)('over %s', (protocol) => {
  test('both models run through the real client and read executor times from the routes', async () => {
    const target = await startInProcessTarget(`jtype: Flow
with: {protocol: ${protocol}, port: 0}
executors:
  - {name: work, uses: FaultExecutor, replicas: 4, uses_with: {latency_ms: 5}}
`);
    try {
      // `/default`: the FaultExecutor binds only that, and HTTP with docarray v2 routes per endpoint (404 otherwise, as Jina).
      const common = { target: target.target, job: 'protocols', step: protocol, method: 'index' as const, context: { baseDir: process.cwd(), helpersDir: process.cwd() } };
      const closed = await runLoad({ ...common, params: loadParams({ client: protocol, endpoint: '/default', numClients: 2, prefetch: 2, executionTimeS: 1, requestSize: 3 }) });
      const open = await runLoad({ ...common, params: loadParams({ client: protocol, endpoint: '/default', numClients: 2, requestSize: 3, arrival: { arrivalRate: 40, durationS: 1, allowLag: true } }) });

      for (const report of [closed, open]) {
        expect(report.gateway).toEqual({ host: '127.0.0.1', port: target.target.port, protocol });
        expect(report.errors.total).toBe(0);
        expect(report.docs).toBe(report.okRequests! * 3);
        if (protocol === 'http' && target.target.docarray === 'v2') {
          // Jina's HTTP gateway with docarray v2 answers with documents only: no routes.
          expect(report.executors).toEqual([]);
          expect(report.routesUnavailable).toBeTruthy();
          expect(report.latency.p50Ms).toBeGreaterThanOrEqual(5);
          continue;
        }
        expect(report.routesUnavailable).toBeUndefined();
        expect(report.executors.map((executor) => executor.executor)).toEqual(['work']);
        expect(report.executors[0]!.p50Ms).toBeGreaterThanOrEqual(5);
      }
      // Closed, 2 clients × 2 in flight of ~5 ms each for 1 s; open, 40 scheduled.
      expect(closed.okRequests).toBeGreaterThan(100);
      expect(open.okRequests! + open.cutOff!).toBe(40);
    } finally {
      await target.stop();
    }
  });
});
