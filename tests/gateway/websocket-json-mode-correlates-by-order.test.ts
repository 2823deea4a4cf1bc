import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createWebSocketClient } from '../../src/gateway/websocket-client.ts';
import { decodeDataRequest, decodeStatus, encodeDataRequest } from '../../src/protocol/codec.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startWebSocketGatewayServer } from '../../src/reference-runtime/gateway/websocket-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

describe('WebSocket gateway framing', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startWebSocketGatewayServer({ protocol: 'websocket', port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('json mode: a late answer after a timeout is never taken for the next request', async () => {
    const client = createWebSocketClient({
      target: { host: server.host, port: server.port, protocol: 'websocket', docarray: 'v1' },
      websocketFraming: 'json',
      requestTimeoutMs: 100,
    });
    await client.connect();
    const slow = await client.post({ endpoint: '/index', docs: [{ id: 'slow' }], parameters: { delay_ms: 250 } });
    expect(slow.status).toBe('timeout');
    const fast = await client.post({ endpoint: '/index', docs: [{ id: 'fast' }] });
    expect(fast.status).toBe('ok');
    if (fast.status === 'ok') expect(fast.response.docs.map((d) => d.id)).toEqual(['fast']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const third = await client.post({ endpoint: '/index', docs: [{ id: 'third' }] });
    if (third.status === 'ok') expect(third.response.docs.map((d) => d.id)).toEqual(['third']);
    expect(third.status).toBe('ok');
    await client.close();
  });

  it('json mode is the default without a subprotocol; the server assigns request ids', async () => {
    const socket = new WebSocket(`ws://${server.host}:${server.port}/`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    expect(socket.protocol).toBe('');
    const reply = new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString('utf8'))));
    socket.send(JSON.stringify({ exec_endpoint: '/search', data: { docs: [{ id: 'a', text: 'hi' }] }, parameters: { k: 1 } }));
    const json = JSON.parse(await reply);
    expect(json.header.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(json.header.exec_endpoint).toBe('/search');
    expect(json.routes[0].start_time).toMatch(/Z$/);
    expect(json.data[0]).toMatchObject({ id: 'a', text: 'hi' });
    socket.close();
  });

  it('bytes mode: an empty frame asks for a dry run, 0x00 ends the input and closes 1000', async () => {
    const socket = new WebSocket(`ws://${server.host}:${server.port}/`, { headers: { 'Sec-WebSocket-Protocol': 'bytes' } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    expect(socket.protocol).toBe('');
    const next = () => new Promise<Buffer>((resolve) => socket.once('message', (data: Buffer) => resolve(data)));
    let reply = next();
    socket.send(new Uint8Array(0));
    const status = await reply;
    expect(status.byteLength).toBe(0); // the empty StatusProto: SUCCESS
    expect(decodeStatus(status)).toEqual({ code: 0, description: '' });
    reply = next();
    socket.send(encodeDataRequest({ header: { requestId: 'abc' }, parameters: {}, routes: [], docs: [{ id: 'x' }] }, 'v1'));
    expect(decodeDataRequest(await reply, 'v1').header.requestId).toBe('abc');
    let extra = false;
    socket.once('message', () => (extra = true));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send(new Uint8Array([0]));
    expect(await closed).toBe(1000);
    expect(extra).toBe(false);
  });

  it('serves GET /, /status and /dry_run on the same port and ws://…/dry_run', async () => {
    const base = `http://${server.host}:${server.port}`;
    expect(await (await fetch(`${base}/`)).json()).toEqual({});
    expect(await (await fetch(`${base}/status`)).json()).toMatchObject({ jina: { jina: '3.34.0' } });
    expect(await (await fetch(`${base}/dry_run`)).json()).toEqual({ code: 0, description: '', exception: null });
    const socket = new WebSocket(`ws://${server.host}:${server.port}/dry_run`);
    const message = await new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
    expect(message).toBe('{}'); // MessageToDict of the empty StatusProto
    socket.close();
  });
});
