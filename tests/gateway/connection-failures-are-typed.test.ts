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

  it('rejects connect() with GATEWAY_CONNECTION when the port accepts but never answers', async () => {
    // A gateway still starting, or another server on the port: TCP is accepted, nothing comes
    // back. connect() must give up after connectTimeoutMs rather than hold the step.
    const received: Buffer[] = [];
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const client = createGatewayClient({ target: { host: '127.0.0.1', port, protocol, docarray: 'v1' }, connectTimeoutMs: 300, ...extra });
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    await client.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(isStressError(error, 'GATEWAY_CONNECTION')).toBe(true);
    // The client did reach the port and spoke its protocol first: the wait was for the answer.
    const opening = Buffer.concat(received).toString('latin1');
    expect(opening).toMatch(protocol === 'grpc' ? /^PRI \* HTTP\/2\.0\r\n\r\nSM\r\n\r\n/ : /^GET \/ HTTP\/1\.1\r\n/);
    if (protocol === 'websocket') expect(opening).toMatch(/\r\nUpgrade: websocket\r\n/i);
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
