import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayClientOptions, PostResult } from '../../src/gateway/gateway-client.ts';
import { isStressError } from '../../src/errors.ts';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import { respond, startHttp2GrpcTestServer, type Http2GrpcTestServer, type ReceivedCall } from './http2-grpc-test-server.ts';

// How our HTTP/2 transport reports what a real HTTP/2 server (node:http2) does to a call:
// resets, HTTP errors, GOAWAY, a connection cut mid-call. The outcomes are those grpc-js
// gave for the same wire events (src/gateway/grpc-status.ts).

let server: Http2GrpcTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function postOnce(answer: (call: ReceivedCall) => void, extra: Partial<GatewayClientOptions> = {}): Promise<PostResult> {
  server = await startHttp2GrpcTestServer(answer);
  const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode: 'unary', ...extra });
  await client.connect();
  const result = await client.post({ endpoint: '/index', docs: [{ id: 'a' }] });
  await client.close();
  return result;
}

describe('gRPC unary outcomes of what the server does', () => {
  it.each([
    [http2.constants.NGHTTP2_REFUSED_STREAM, { status: 'connection-error', code: 'UNAVAILABLE', message: 'Stream refused by server' }],
    [http2.constants.NGHTTP2_CANCEL, { status: 'connection-error', code: 'CANCELLED', message: 'Call cancelled' }],
    [http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, { status: 'protocol-error', message: 'RESOURCE_EXHAUSTED: Bandwidth exhausted or memory limit exceeded' }],
    [http2.constants.NGHTTP2_INTERNAL_ERROR, { status: 'error-status' }],
  ])('RST_STREAM code %i', async (code, expected) => {
    const result = await postOnce((call) => call.stream.close(code));
    expect(result).toMatchObject(expected);
    if (code === http2.constants.NGHTTP2_INTERNAL_ERROR && result.status === 'error-status') {
      expect(result.error).toMatchObject({ name: 'grpc.INTERNAL', description: 'Received RST_STREAM with code 2' });
    }
  });

  it.each([
    [503, { status: 'connection-error', code: 'UNAVAILABLE', message: 'Received HTTP status code 503' }],
    [404, { status: 'protocol-error', message: 'UNIMPLEMENTED: Received HTTP status code 404' }],
  ])('HTTP status %i without a gRPC status', async (httpStatus, expected) => {
    const result = await postOnce((call) => {
      call.stream.respond({ ':status': httpStatus }, { endStream: true });
    });
    expect(result).toMatchObject(expected);
  });

  it('reads a trailers-only answer (status in the only header block)', async () => {
    const result = await postOnce((call) => {
      call.stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': encodeURIComponent('executor gone: a%b') }, { endStream: true });
    });
    expect(result).toMatchObject({ status: 'connection-error', code: 'UNAVAILABLE', message: 'executor gone: a%b' });
  });

  it('a status in the trailers after a message wins over the message', async () => {
    const result = await postOnce((call) => respond(call.stream, call.body.subarray(5), 3, 'bad argument'));
    expect(result).toMatchObject({ status: 'protocol-error', message: 'INVALID_ARGUMENT: bad argument' });
  });

  it('a connection cut mid-call fails the call, and the next post opens a new connection', async () => {
    server = await startHttp2GrpcTestServer((call) => {
      if (server!.calls.length === 1) server!.sockets[0]!.destroy();
      else respond(call.stream, call.body.subarray(5));
    });
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode: 'unary' });
    await client.connect();
    const cut = await client.post({ endpoint: '/index', docs: [{ id: 'a' }] });
    const next = await client.post({ endpoint: '/index', docs: [{ id: 'b' }] });
    await client.close();
    expect(cut).toMatchObject({ status: 'connection-error', code: 'UNAVAILABLE' });
    expect(next.status).toBe('ok');
    expect(server.sessions).toHaveLength(2);
  });
});

describe('GOAWAY', () => {
  it.each(['unary', 'stream'] as const)('%s: calls the server will still process finish; later ones go to a new connection', async (grpcMode) => {
    // The server sends GOAWAY naming the first call's stream as the last it processes, then
    // answers it; the second post must not go to the old connection.
    server = await startHttp2GrpcTestServer(() => undefined, {}, {
      onStream: (stream) => {
        const session = stream.session!;
        if (server!.sessions.indexOf(session as http2.ServerHttp2Session) === 0) {
          session.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id!);
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          stream.once('data', (chunk: Buffer) => stream.end(chunk));
          return;
        }
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.on('data', (chunk: Buffer) => stream.write(chunk));
        stream.on('end', () => stream.end());
      },
    });
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode });
    await client.connect();
    const first = await client.post({ endpoint: '/index', docs: [{ id: 'a' }] });
    // Let the GOAWAY and the stream's end land before the next post chooses a connection.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await client.post({ endpoint: '/index', docs: [{ id: 'b' }] });
    await client.close();
    expect(first.status).toBe('ok');
    expect(second.status).toBe('ok');
    expect(server.sessions).toHaveLength(2);
  });

  it('unary: a call above the GOAWAY last stream id fails as UNAVAILABLE; one below finishes after the next went to a new connection', async () => {
    let firstStream: http2.ServerHttp2Stream | undefined;
    server = await startHttp2GrpcTestServer(() => undefined, {}, {
      onStream: (stream) => {
        const sessionIndex = server!.sessions.indexOf(stream.session as http2.ServerHttp2Session);
        stream.resume();
        if (sessionIndex === 0 && !firstStream) {
          firstStream = stream;
        } else if (sessionIndex === 0) {
          // The second call arrived: the server will process only the first.
          stream.session!.goaway(http2.constants.NGHTTP2_NO_ERROR, firstStream!.id!);
        } else {
          // The third call, on a new connection: answer it, then the first on the old one.
          respond(stream, undefined, 0);
          respond(firstStream!, undefined, 0);
        }
      },
    });
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'grpc', docarray: 'v1' }, grpcMode: 'unary', prefetch: 2 });
    await client.connect();
    const first = client.post({ endpoint: '/index', docs: [{ id: 'a' }] });
    const second = await client.post({ endpoint: '/index', docs: [{ id: 'b' }] });
    const third = await client.post({ endpoint: '/index', docs: [{ id: 'c' }] });
    const firstResult = await first;
    await client.close();
    expect(second).toMatchObject({ status: 'connection-error', code: 'UNAVAILABLE', message: 'the gateway closed the connection (GOAWAY 0)' });
    // The others ended with the server's answer (OK without a message here), not UNAVAILABLE.
    const okWithoutMessage = { status: 'protocol-error', message: 'INTERNAL: the gateway answered OK without a message' };
    expect(third).toMatchObject(okWithoutMessage);
    expect(firstResult).toMatchObject(okWithoutMessage);
    expect(server.sessions).toHaveLength(2);
  });
});

it('connect() to an HTTP/1.1 server fails with GATEWAY_CONNECTION, quoting what it answered', async () => {
  const http1 = http.createServer((_request, response) => response.end('not gRPC'));
  await new Promise<void>((resolve) => http1.listen(0, '127.0.0.1', resolve));
  const client = createGrpcClient({ target: { host: '127.0.0.1', port: (http1.address() as AddressInfo).port, protocol: 'grpc', docarray: 'v1' } });
  const error = await client.connect().then(() => undefined, (e: unknown) => e);
  await client.close();
  await new Promise((resolve) => http1.close(resolve));
  expect(isStressError(error, 'GATEWAY_CONNECTION')).toBe(true);
  expect((error as Error).message).toContain('the server did not answer in HTTP/2 (its first bytes: "HTTP/1.1 400 Bad Request")');
});
