import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GatewayClient } from '../../src/gateway/gateway-client.ts';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGrpcGatewayServer } from '../../src/reference-runtime/gateway/grpc-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

/** A TCP relay in front of the gateway that counts the connections clients open. */
let gateway: GatewayServer;
let relay: Server;
let relayPort = 0;
const accepted: Socket[] = [];

beforeAll(async () => {
  gateway = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
  relay = createServer((socket) => {
    accepted.push(socket);
    const upstream = createConnection(gateway.port, gateway.host);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayPort = (relay.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => relay.close(resolve));
  await gateway.close();
});

async function connectionsOpenedBy(count: number, sharedConnection: boolean, grpcMode: 'stream' | 'unary' = 'stream'): Promise<number> {
  const before = accepted.length;
  const clients: GatewayClient[] = Array.from({ length: count }, () =>
    createGrpcClient({ target: { host: '127.0.0.1', port: relayPort, protocol: 'grpc', docarray: 'v1' }, sharedConnection, grpcMode }),
  );
  for (const client of clients) await client.connect();
  const results = await Promise.all(clients.map((client, i) => client.post({ endpoint: '/index', docs: [{ id: `d${i}` }] })));
  expect(results.map((result) => result.status)).toEqual(clients.map(() => 'ok'));
  for (const client of clients) await client.close();
  return accepted.length - before;
}

test('each gRPC client has its own connection, like separate Jina clients', async () => {
  expect(await connectionsOpenedBy(3, false)).toBe(3);
});

test('with sharedConnection, the clients of a thread share one', async () => {
  expect(await connectionsOpenedBy(3, true)).toBe(1);
});

test('unary calls keep to the same layout: a connection per client, or one shared', async () => {
  expect(await connectionsOpenedBy(3, false, 'unary')).toBe(3);
  expect(await connectionsOpenedBy(3, true, 'unary')).toBe(1);
});

test('control calls (dry_run, _status) work beside the data connection', async () => {
  const client = createGrpcClient({ target: { host: '127.0.0.1', port: relayPort, protocol: 'grpc', docarray: 'v1' } });
  await client.connect();
  expect(await client.dryRun()).toEqual({ status: 'ready' });
  expect((await client.info()).jina).toMatchObject({ jina: '3.34.0' });
  expect((await client.post({ endpoint: '/index', docs: [{ id: 'x' }] })).status).toBe('ok');
  await client.close();
});
