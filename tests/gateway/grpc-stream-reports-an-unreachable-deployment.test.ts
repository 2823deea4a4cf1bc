import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGrpcGatewayServer } from '../../src/reference-runtime/gateway/grpc-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

/**
 * Jina 3.34 answers a request whose deployment is down with a message holding only its id and
 * then ends the Call stream with UNAVAILABLE (verified §1.9). The client must not take that
 * message for a success with zero documents.
 */
describe('gRPC client on a stream that ends because a deployment is down', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v2', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('the named request is an InternalNetworkError of that deployment, the others in flight are connection errors, the next post works', async () => {
    const client = createGrpcClient({ target: { host: server.host, port: server.port, protocol: 'grpc', docarray: 'v2' }, prefetch: 3 });
    await client.connect();
    const slow = client.post({ endpoint: '/index', docs: [{ id: 's' }], parameters: { delay_ms: 300 }, requestId: 'slow' });
    const down = client.post({ endpoint: '/index', docs: [{ id: 'd' }], parameters: { unavailable_executor: 'failing' }, requestId: 'down' });
    expect(await down).toMatchObject({
      status: 'error-status',
      requestId: 'down',
      error: { name: 'InternalNetworkError', executor: 'failing', attributedTo: 'deployment', description: expect.stringContaining('Head or worker(s) may be down') },
    });
    expect(await slow).toMatchObject({ status: 'connection-error', requestId: 'slow', code: 'UNAVAILABLE' });
    const next = await client.post({ endpoint: '/index', docs: [{ id: 'n' }] });
    expect(next).toMatchObject({ status: 'ok' });
    await client.close();
  });
});
