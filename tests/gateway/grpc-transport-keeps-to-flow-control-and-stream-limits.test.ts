import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import type { PostRequest } from '../../src/gateway/gateway-client.ts';
import { encodePostRequest } from '../../src/gateway/post-request-encoding.ts';
import { grpcRequestHeaderBlock } from '../../src/gateway/grpc-request-headers.ts';
import { H2Connection } from '../../src/gateway/h2-connection.ts';
import type { StreamClosed } from '../../src/gateway/h2-stream.ts';
import { jinaGrpcMethods } from '../../src/protocol/grpc-methods.ts';
import { echoMessages, framed, respond, startHttp2GrpcTestServer, type Http2GrpcTestServer } from './http2-grpc-test-server.ts';

// The gRPC transport (src/gateway/h2-*.ts) against a real HTTP/2 server (node:http2) whose
// SETTINGS make flow control and stream limits bite: what the server received and what came
// back are compared byte for byte.

let server: Http2GrpcTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A request of one document carrying `bytes` random bytes of text (hex: 2 characters a byte). */
function bigRequest(id: string, bytes: number): PostRequest & { requestId: string } {
  return { endpoint: '/index', docs: [{ id, text: randomBytes(bytes / 2).toString('hex') }], requestId: id.padEnd(32, '0') };
}

const echo = (call: { stream: Parameters<typeof respond>[0]; body: Buffer }): void => respond(call.stream, call.body.subarray(5));

/** An echo server for the mode: unary answers the whole body; the Call stream each message as it arrives. */
async function startEcho(grpcMode: 'unary' | 'stream', settings: Parameters<typeof startHttp2GrpcTestServer>[1] = {}): Promise<{ server: Http2GrpcTestServer; received: Buffer[] }> {
  const received: Buffer[] = [];
  if (grpcMode === 'unary') {
    const started = await startHttp2GrpcTestServer((call) => {
      received.push(call.body.subarray(5));
      echo(call);
    }, settings);
    return { server: started, received };
  }
  const started = await startHttp2GrpcTestServer(() => undefined, settings, { onStream: (stream) => echoMessages(stream, (message) => received.push(message)) });
  return { server: started, received };
}

describe.each(['unary', 'stream'] as const)('gRPC %s over our HTTP/2 connection', (grpcMode) => {
  it('sends a 1.5 MB request through a 16 KiB peer window and reads the 1.5 MB echo', async () => {
    const started = await startEcho(grpcMode, { initialWindowSize: 16_384 });
    server = started.server;
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode });
    await client.connect();
    const request = bigRequest('big', 1_500_000);
    const result = await client.post(request);
    await client.close();

    expect(started.received).toHaveLength(1);
    expect(started.received[0]!.equals(encodePostRequest(request, request.requestId, 'v1'))).toBe(true);
    expect(result.status).toBe('ok');
    if (result.status === 'ok') expect(result.response.docs[0]!.text).toBe(request.docs[0]!.text);
  });

  it('reads answers larger than our stream window, and more than our connection window in all', async () => {
    // 12 MB answers: past the 8 MiB stream window (one needs our stream WINDOW_UPDATEs), and
    // three of them past the 32 MiB connection window (they need the connection's).
    const started = await startEcho(grpcMode);
    server = started.server;
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode });
    await client.connect();
    const requests = ['a', 'b', 'c'].map((id) => bigRequest(id, 12_000_000));
    const results = [];
    for (const request of requests) results.push(await client.post(request));
    await client.close();

    expect(server.sessions).toHaveLength(1);
    expect(started.received.map((message) => message.length)).toEqual(requests.map((request) => encodePostRequest(request, request.requestId, 'v1').length));
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok']);
    results.forEach((result, i) => {
      if (result.status === 'ok') expect(result.response.docs[0]!.text === requests[i]!.docs[0]!.text).toBe(true);
    });
  });
});

describe('gRPC unary streams and the peer limits', () => {
  it('keeps to SETTINGS_MAX_CONCURRENT_STREAMS 1: calls wait for their turn, none is refused', async () => {
    server = await startHttp2GrpcTestServer((call) => setTimeout(() => echo(call), 20), { maxConcurrentStreams: 1 });
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode: 'unary', prefetch: 4 });
    await client.connect();
    const requests = Array.from({ length: 6 }, (_, i) => bigRequest(`d${i}`, 100));
    const results = await Promise.all(requests.map((request) => client.post(request)));
    await client.close();

    expect(results.map((result) => result.status)).toEqual(requests.map(() => 'ok'));
    expect(server.calls).toHaveLength(6);
    expect(server.maxOpenStreams).toBe(1);
    expect(server.sessions).toHaveLength(1);
  });

  it('sends the gRPC request headers and grpc-timeout the server expects', async () => {
    server = await startHttp2GrpcTestServer(echo);
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode: 'unary', requestTimeoutMs: 1500 });
    await client.connect();
    expect((await client.post(bigRequest('h', 10))).status).toBe('ok');
    await client.close();

    const headers = server.calls[0]!.headers;
    expect(headers).toMatchObject({
      ':method': 'POST',
      ':scheme': 'http',
      ':path': jinaGrpcMethods.processSingleData,
      ':authority': `127.0.0.1:${server.port}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': '1500m',
    });
  });
});

describe('stream ids', () => {
  it('a connection that used its last stream id is no longer usable for a new call, and closes when released', async () => {
    // 2^31 - 1 ids is a billion unary calls (30 hours at 10,000 calls/s); the limit is the
    // constructor's so that the test can reach it in three calls: ids 1, 3 and 5.
    const started = await startEcho('unary');
    server = started.server;
    const target = { host: '127.0.0.1', port: server.port, tls: false };
    const connection = new H2Connection(target, 5);
    await connection.connected;
    const headerBlock = grpcRequestHeaderBlock(target, jinaGrpcMethods.processSingleData);
    const call = (message: Buffer): Promise<StreamClosed> =>
      new Promise((resolve) => connection.open(headerBlock, { onHeaders: () => undefined, onData: () => undefined, onClose: resolve }, framed(message), true));

    const usableBefore: boolean[] = [];
    const closes: StreamClosed[] = [];
    for (const text of ['a', 'b', 'c']) {
      usableBefore.push(connection.isUsable);
      closes.push(await call(Buffer.from(text)));
    }
    expect(usableBefore).toEqual([true, true, true]);
    expect(connection.isUsable).toBe(false);
    expect(server.calls.map((received) => received.stream.id)).toEqual([1, 3, 5]);
    expect(server.calls.map((received) => received.body.subarray(5).toString())).toEqual(['a', 'b', 'c']);
    expect(closes.every((closed) => closed.rstCode === 0 && closed.connectionError === undefined)).toBe(true);
    connection.release();
    expect(connection.isClosed).toBe(true);
  });
});
