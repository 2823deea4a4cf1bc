import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeDataRequest } from '../../../src/protocol/codec.ts';
import type { GatewayServer } from '../../../src/reference-runtime/gateway/gateway-handler.ts';
import { startWebSocketGatewayServer } from '../../../src/reference-runtime/gateway/websocket-gateway-server.ts';
import { createScriptedFlowHandler } from '../../gateway/scripted-flow-handler.ts';

type Outcome = { frames: string[]; code: number; reason: string };

function exchange(url: string, send: Array<string | Uint8Array>, headers: Record<string, string> = {}, waitMs = 2000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const frames: string[] = [];
    socket.on('message', (data: Buffer, isBinary: boolean) => frames.push(isBinary ? `binary:${data.byteLength}` : data.toString('utf8')));
    socket.once('open', () => send.forEach((frame) => socket.send(frame, { binary: typeof frame !== 'string' })));
    socket.once('close', (code, reason) => resolve({ frames, code, reason: reason.toString('utf8') }));
    socket.once('error', reject);
    setTimeout(() => socket.terminate(), waitMs).unref();
  });
}

describe('WebSocket gateway behaves like Jina 3.34 (verified §1.5-1.6, §4)', () => {
  let v1: GatewayServer;
  let v2: GatewayServer;
  beforeAll(async () => {
    v1 = await startWebSocketGatewayServer({ protocol: 'websocket', port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
    v2 = await startWebSocketGatewayServer({ protocol: 'websocket', port: 0, docarray: 'v2', handler: createScriptedFlowHandler() });
  });
  afterAll(async () => {
    await v1.close();
    await v2.close();
  });

  it('docarray v2 drops a JSON-mode connection without a close frame (1006) and answers nothing', async () => {
    const outcome = await exchange(`ws://${v2.host}:${v2.port}/`, [JSON.stringify({ execEndpoint: '/index', data: [{ id: 'a' }] })]);
    expect(outcome).toEqual({ frames: [], code: 1006, reason: '' });
  });

  it('docarray v1 JSON mode answers a MessageToDict frame, then closes 1000 after {}', async () => {
    const outcome = await exchange(`ws://${v1.host}:${v1.port}/`, [JSON.stringify({ execEndpoint: '/index', data: [{ id: 'a' }], parameters: {} }), '{}']);
    expect(outcome.code).toBe(1000);
    expect(outcome.frames).toHaveLength(1);
    const frame = JSON.parse(outcome.frames[0]!);
    expect(Object.keys(frame)).toEqual(['header', 'parameters', 'routes', 'data']);
    // Jina's gateway makes the id; keys in MessageToDict's field order.
    expect(Object.keys(frame.header)).toEqual(['request_id', 'exec_endpoint']);
    expect(frame.header).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), exec_endpoint: '/index' });
    expect(Object.keys(frame.routes[0])).toEqual(['executor', 'start_time', 'end_time']);
  });

  it('an unreachable deployment closes the socket with 1011 and Jina\'s reason', async () => {
    const request = encodeDataRequest({ header: { requestId: 'r' }, parameters: { unavailable_executor: 'encoder' }, routes: [], docs: [] }, 'v2');
    const outcome = await exchange(`ws://${v2.host}:${v2.port}/`, [request], { 'Sec-WebSocket-Protocol': 'bytes' });
    expect(outcome).toEqual({ frames: [], code: 1011, reason: "Network error while connecting to deployment at {'encoder'}. It may be down." });
  });

  it('ws://…/dry_run answers an empty binary frame (bytes) or {} (JSON) and leaves the socket open', async () => {
    const bytes = await exchange(`ws://${v2.host}:${v2.port}/dry_run`, [new Uint8Array(0)], { 'Sec-WebSocket-Protocol': 'bytes' }, 300);
    expect(bytes).toEqual({ frames: ['binary:0'], code: 1006, reason: '' }); // 1006: our own terminate after 300 ms
    const json = await exchange(`ws://${v1.host}:${v1.port}/dry_run`, [], {}, 300);
    expect(json.frames).toEqual(['{}']);
  });
});
