import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../../src/gateway/gateway-client.ts';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGrpcGatewayServer } from '../../src/reference-runtime/gateway/grpc-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

describe('gRPC JinaRPC/Call stream with prefetch', () => {
  const handler = createScriptedFlowHandler();
  let server: GatewayServer;
  let client: GatewayClient;

  beforeAll(async () => {
    server = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v1', handler });
    client = createGrpcClient({ target: { host: server.host, port: server.port, protocol: 'grpc', docarray: 'v1' }, prefetch: 5 });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('matches each response to its request by request_id when they complete in reverse order', async () => {
    handler.completed.length = 0;
    const delays = [200, 150, 100, 50, 0];
    const results = await Promise.all(
      delays.map((delayMs, i) =>
        // `after` chains the answers in reverse: on a loaded machine the delays alone did not
        // guarantee it (a request arriving 60 ms late overtook its neighbour).
        client.post({
          endpoint: '/index',
          requestId: `req-${i}`,
          docs: [{ id: `doc-${i}`, text: `text ${i}` }],
          parameters: i < delays.length - 1 ? { delay_ms: delayMs, after: `req-${i + 1}` } : { delay_ms: delayMs },
        }),
      ),
    );
    // The server really finished them out of order...
    expect(handler.completed).toEqual(['req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
    // ...and every result still carries its own request's documents.
    results.forEach((result, i) => {
      expect(result.status).toBe('ok');
      if (result.status !== 'ok') return;
      expect(result.requestId).toBe(`req-${i}`);
      expect(result.response.header.requestId).toBe(`req-${i}`);
      expect(result.response.docs.map((d) => d.id)).toEqual([`doc-${i}`]);
      expect(result.response.parameters.delay_ms).toBe(delays[i]);
    });
    // The slowest request's round trip covers its delay; the fastest's does not wait for it.
    expect(results[0]!.roundTripMs).toBeGreaterThanOrEqual(195);
    expect(results[4]!.roundTripMs).toBeLessThan(results[0]!.roundTripMs);
  });

  it('keeps at most `prefetch` requests in flight', async () => {
    const narrow = createGrpcClient({ target: { host: server.host, port: server.port, protocol: 'grpc', docarray: 'v1' }, prefetch: 2 });
    await narrow.connect();
    handler.concurrency.max = 0;
    const started = performance.now();
    // Four requests of 100 ms with two slots: two waves, at least 200 ms in all.
    const results = await Promise.all([0, 1, 2, 3].map((i) => narrow.post({ endpoint: '/index', requestId: `p-${i}`, docs: [], parameters: { delay_ms: 100 } })));
    const elapsed = performance.now() - started;
    await narrow.close();
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(handler.concurrency.max).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(195);
  });
});

describe('gRPC stream after a server restart', () => {
  it('reopens a stream for the next post once the gateway is back on the same port', async () => {
    const first = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v2', handler: createScriptedFlowHandler() });
    const { port } = first;
    const client = createGrpcClient({ target: { host: first.host, port, protocol: 'grpc', docarray: 'v2' } });
    await client.connect();
    const hanging = client.post({ endpoint: '/index', docs: [], parameters: { hang: true } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.close();
    expect((await hanging).status).toBe('connection-error');

    const second = await startGrpcGatewayServer({ protocol: 'grpc', port, docarray: 'v2', handler: createScriptedFlowHandler() });
    let result = await client.post({ endpoint: '/index', docs: [{ id: 'again' }] });
    for (let attempt = 0; attempt < 30 && result.status === 'connection-error'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await client.post({ endpoint: '/index', docs: [{ id: 'again' }] });
    }
    await client.close();
    await second.close();
    expect(result.status).toBe('ok');
  });
});
