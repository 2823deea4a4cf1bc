import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

/** One call as the server received it: its headers and the whole request body. */
export interface ReceivedCall {
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  stream: http2.ServerHttp2Stream;
}

export interface Http2GrpcTestServer {
  port: number;
  server: http2.Http2Server;
  /** Every call received, in arrival order. */
  calls: ReceivedCall[];
  /** Sessions (connections) accepted so far. */
  sessions: http2.ServerHttp2Session[];
  /** The TCP sockets under them, to cut a connection the way a killed server does. */
  sockets: Socket[];
  /** The most streams that were open at once. */
  maxOpenStreams: number;
  close(): Promise<void>;
}

/**
 * A real HTTP/2 server (node:http2, nghttp2 underneath) for the gRPC transport's tests: it
 * announces the SETTINGS it is given, gathers each call's body and hands it to `answer`,
 * which writes whatever the test needs (a gRPC answer, an HTTP error, a reset, a GOAWAY).
 * `respond()` below writes a proper gRPC answer.
 */
export async function startHttp2GrpcTestServer(
  answer: (call: ReceivedCall) => void,
  settings: http2.Settings = {},
  options: { answerBeforeBody?: boolean; onStream?: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void } = {},
): Promise<Http2GrpcTestServer> {
  const server = http2.createServer({ settings, maxSessionMemory: 1000 });
  let open = 0;
  const state: Http2GrpcTestServer = {
    port: 0,
    server,
    calls: [],
    sessions: [],
    sockets: [],
    maxOpenStreams: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of state.sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('session', (session) => state.sessions.push(session));
  server.on('connection', (socket: Socket) => state.sockets.push(socket));
  server.on('stream', (stream, headers) => {
    open++;
    state.maxOpenStreams = Math.max(state.maxOpenStreams, open);
    stream.on('close', () => open--);
    stream.on('error', () => undefined);
    if (options.onStream) return options.onStream(stream, headers);
    const chunks: Buffer[] = [];
    const call: ReceivedCall = { headers, body: Buffer.alloc(0), stream };
    if (options.answerBeforeBody) {
      state.calls.push(call);
      answer(call);
      stream.resume();
      return;
    }
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      call.body = Buffer.concat(chunks);
      state.calls.push(call);
      answer(call);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/** A gRPC answer: 200, the length-prefixed `message` (if any), trailers with the status. */
export function respond(stream: http2.ServerHttp2Stream, message: Buffer | undefined, status = 0, details = '', extraTrailers: Record<string, string> = {}): void {
  if (stream.destroyed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => {
    stream.sendTrailers({ 'grpc-status': String(status), ...(details ? { 'grpc-message': encodeURIComponent(details) } : {}), ...extraTrailers });
  });
  stream.end(message ? framed(message) : undefined);
}

/** A gRPC length-prefixed message. */
export function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/**
 * A gRPC bidi echo on `stream`: each complete length-prefixed message is written back as it
 * arrives (as Jina's Call stream answers each request), the trailers follow when the client
 * ends its side. Calls `onMessage` with each message received.
 */
export function echoMessages(stream: http2.ServerHttp2Stream, onMessage: (message: Buffer) => void = () => undefined): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  // Chunks gathered until a whole message is there (joined once: a 12 MB message arrives in
  // hundreds of chunks).
  const chunks: Buffer[] = [];
  let gathered = 0;
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    gathered += chunk.length;
    for (;;) {
      if (gathered < 5) return;
      const head = chunks.length === 1 || chunks[0]!.length >= 5 ? chunks[0]! : Buffer.concat(chunks);
      const length = head.readUInt32BE(1);
      if (gathered < 5 + length) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const message = all.subarray(5, 5 + length);
      const rest = all.subarray(5 + length);
      chunks.length = 0;
      if (rest.length > 0) chunks.push(rest);
      gathered = rest.length;
      onMessage(Buffer.from(message));
      stream.write(framed(message));
    }
  });
  stream.on('end', () => stream.end());
}
