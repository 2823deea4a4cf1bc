import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createWebSocketClient } from '../../src/gateway/websocket-client.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startWebSocketGatewayServer } from '../../src/reference-runtime/gateway/websocket-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

/**
 * Jina 3.34 picks `bytes` from the request's Sec-WebSocket-Protocol but never echoes it (verified
 * §1.5); `ws` given `protocols: ['bytes']` then aborts. Our gateway answers the same way, so a
 * client regressing to the `protocols` argument fails here as it would against Jina.
 */
describe('WebSocket client handshake', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startWebSocketGatewayServer({ protocol: 'websocket', port: 0, docarray: 'v2', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('the gateway answers without Sec-WebSocket-Protocol, so ws with protocols: [bytes] fails', async () => {
    const socket = new WebSocket(`ws://${server.host}:${server.port}/`, ['bytes']);
    const headers = new Promise<http.IncomingHttpHeaders>((resolve) => socket.once('upgrade', (response) => resolve(response.headers)));
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toBe('Server sent no subprotocol');
    expect((await headers)['sec-websocket-protocol']).toBeUndefined();
  });

  it('our client sends the header itself and gets protobuf frames back', async () => {
    const client = createWebSocketClient({ target: { host: server.host, port: server.port, protocol: 'websocket', docarray: 'v2' } });
    await client.connect();
    const result = await client.post({ endpoint: '/index', docs: [{ id: 'a', text: 'x' }], requestId: 'mine' });
    await client.close();
    expect(result).toMatchObject({ status: 'ok', requestId: 'mine' });
    if (result.status === 'ok') expect(result.response.routes.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'indexer']);
  });

  it('refuses JSON framing with docarray v2, which Jina cannot serve', () => {
    expect(() =>
      createWebSocketClient({ target: { host: server.host, port: server.port, protocol: 'websocket', docarray: 'v2' }, websocketFraming: 'json' }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('docarray v2') }));
  });
});
