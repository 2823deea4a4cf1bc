import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isStressError } from '../../src/errors.ts';
import type { GatewayClientOptions, GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

/** A port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const variants: Array<{ label: string; protocol: GatewayProtocol; extra: Partial<GatewayClientOptions> }> = [
  { label: 'grpc stream', protocol: 'grpc', extra: {} },
  { label: 'grpc unary', protocol: 'grpc', extra: { grpcMode: 'unary' } },
  { label: 'websocket bytes', protocol: 'websocket', extra: {} },
  { label: 'websocket json', protocol: 'websocket', extra: { websocketFraming: 'json' } },
  { label: 'http', protocol: 'http', extra: {} },
];

describe.each(variants)('$label: connection failures', ({ protocol, extra }) => {
  it('rejects connect() to a refused port with GATEWAY_CONNECTION', async () => {
    const client = createGatewayClient({ target: { host: '127.0.0.1', port: await closedPort(), protocol, docarray: 'v1' }, ...extra });
    const started = performance.now();
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    expect(isStressError(error, 'GATEWAY_CONNECTION')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    await client.close();
  });

  it('fails requests in flight as connection-error when the server dies mid-stream', async () => {
    const server = await startGatewayServer({ protocol, port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
    const client = createGatewayClient({ target: { host: server.host, port: server.port, protocol, docarray: 'v1' }, prefetch: 3, ...extra });
    await client.connect();
    const warmup = await client.post({ endpoint: '/index', docs: [{ id: 'a' }] });
    expect(warmup.status).toBe('ok');
    const inFlight = [1, 2, 3].map((i) => client.post({ endpoint: '/index', docs: [{ id: `d${i}` }], parameters: { hang: true } }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.close();
    const results = await Promise.all(inFlight);
    // JSON mode keeps one request in flight: the other two fail to reach the dead server.
    for (const result of results) expect(result.status).toBe('connection-error');
    const after = await client.post({ endpoint: '/index', docs: [] });
    expect(after.status).toBe('connection-error');
    await client.close();
  });
});
