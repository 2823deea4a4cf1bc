import type { GatewayTarget } from './gateway-client.ts';
import { FrameReader } from './h2-frame-reader.ts';
import { H2FrameRouter } from './h2-frame-router.ts';
import { defaultMaxFrameSize, defaultWindowBytes, encodeGoaway, frameFlag, frameHeaderLength, frameType, h2Error, H2ProtocolError, writeFrameHeader, type Frame } from './h2-frames.ts';
import { H2Socket } from './h2-socket.ts';
import { H2Stream, type H2StreamEvents, type StreamHost } from './h2-stream.ts';

/**
 * A client HTTP/2 connection over a TCP or TLS (ALPN h2) socket (h2-socket.ts), written for
 * the gRPC calls of the load generator instead of node:http2, whose per-stream cost (a Duplex
 * stream, an nghttp2 stream, header objects both ways, an AsyncResource per request) was 2×
 * ghz's whole call (docs/benchmarks.md, "Round 4"). It keeps the connection's state — peer SETTINGS, send
 * and receive windows, streams by id, streams waiting for SETTINGS_MAX_CONCURRENT_STREAMS,
 * GOAWAY — and writes frames; received frames are routed by H2FrameRouter.
 */
export class H2Connection implements StreamHost {
  private readonly io: H2Socket;
  /** Resolves on the peer's first SETTINGS; rejects when the connection fails before it. */
  readonly connected: Promise<void>;
  /** Why the connection failed or may take no new streams (refused, reset, GOAWAY, closed). */
  error: Error | undefined;
  isClosed = false;
  /** GOAWAY received: streams above its last stream id will not be processed. */
  isGoingAway = false;
  maxFrameSize = defaultMaxFrameSize;
  connectionSendWindow = defaultWindowBytes;
  peerInitialWindow = defaultWindowBytes;
  maxConcurrentStreams = Infinity;
  /** Bytes received since the last connection WINDOW_UPDATE we sent. */
  unacknowledged = 0;
  readonly streams = new Map<number, H2Stream>();
  private readonly waiting: H2Stream[] = [];
  private readonly blocked = new Set<H2Stream>();
  private nextStreamId = 1;
  private isReleased = false;
  private settle: { resolve(): void; reject(error: Error): void } | undefined;

  /**
   * @param lastStreamId the largest stream id this connection may use: 2^31 - 1 (RFC 9113
   *   §5.1.1; a test gives a small one). A connection that used them all takes no new stream.
   */
  constructor(
    target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>,
    private readonly lastStreamId = 2 ** 31 - 1,
  ) {
    this.io = new H2Socket(target);
    const socket = this.io.socket;
    this.connected = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Settled either way; callers that care await it themselves.
    this.connected.catch(() => undefined);
    const router = new H2FrameRouter(this);
    const reader = new FrameReader((frame: Frame) => router.route(frame));
    socket.on('data', (chunk: Buffer) => {
      this.io.holdWritesToEndOfTurn();
      try {
        if (this.settle) checkServerPreface(chunk);
        reader.push(chunk);
      } catch (error) {
        this.fail(error as Error, error instanceof H2ProtocolError ? error.code : h2Error.protocolError);
      }
    });
    socket.on('error', (error: Error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the gateway closed the connection')));
  }

  /**
   * False once it failed, closed, got a GOAWAY or used every stream id (a billion unary calls:
   * a long soak at 10,000 calls/s gets there in 30 hours): open a new one for the next call.
   */
  get isUsable(): boolean {
    return this.isOpen && this.nextStreamId + 2 * this.waiting.length <= this.lastStreamId;
  }

  /** Streams already admitted may still start (their ids are counted in `isUsable`). */
  private get isOpen(): boolean {
    return !this.isClosed && !this.isGoingAway && this.error === undefined;
  }

  /**
   * A new stream sending `headerBlock` (HPACK) and, if given, `body` (ending our side with
   * `endStream`); started now or when the peer's stream limit allows. Given here, the body
   * goes out in the same socket write as the HEADERS.
   */
  open(headerBlock: Buffer, events: H2StreamEvents, body?: Buffer, endStream = false): H2Stream {
    const stream = new H2Stream(this, headerBlock, events);
    if (body) stream.write(body, endStream);
    if (!this.isUsable) {
      stream.close(h2Error.refusedStream, this.error ?? new Error('the connection is closed'));
    } else if (this.streams.size < this.maxConcurrentStreams) {
      this.start(stream);
    } else {
      this.waiting.push(stream);
    }
    return stream;
  }

  /** Sends the stream's HEADERS (with CONTINUATION past the frame size) and what DATA it has. */
  private start(stream: H2Stream): void {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    stream.id = id;
    stream.sendWindow = this.peerInitialWindow;
    this.streams.set(id, stream);
    const block = stream.headerBlock;
    // HEADERS and the first DATA in one writev: a unary call is one socket write.
    this.io.cork();
    for (let at = 0, type: number = frameType.headers; at < block.length || at === 0; type = frameType.continuation) {
      const length = Math.min(this.maxFrameSize, block.length - at);
      const frame = Buffer.allocUnsafe(frameHeaderLength + length);
      writeFrameHeader(frame, 0, length, type, at + length === block.length ? frameFlag.endHeaders : 0, id);
      block.copy(frame, frameHeaderLength, at, at + length);
      this.io.write(frame);
      at += length;
      if (at === block.length) break;
    }
    stream.flush();
    this.io.uncork();
  }

  write(bytes: Buffer): void {
    if (!this.isClosed) this.io.write(bytes);
  }

  cork(): void {
    this.io.cork();
  }

  uncork(): void {
    this.io.uncork();
  }

  blockOnConnectionWindow(stream: H2Stream): void {
    this.blocked.add(stream);
  }

  /** The connection window grew (WINDOW_UPDATE, or SETTINGS changed the stream windows): send what waited. */
  flushBlocked(): void {
    for (const stream of this.blocked) {
      if (this.connectionSendWindow <= 0) return;
      this.blocked.delete(stream);
      stream.flush();
    }
  }

  forget(stream: H2Stream): void {
    this.blocked.delete(stream);
    if (!this.streams.delete(stream.id)) return;
    this.startWaiting();
    if ((this.isGoingAway || this.isReleased) && this.streams.size === 0 && this.waiting.length === 0) this.close();
  }

  /**
   * Nobody will open streams here any more: close now if idle, else once the streams still
   * open are over. After a GOAWAY the peer still finishes the streams it named; closing at
   * once would fail them (a client replacing the connection releases the old one).
   */
  release(): void {
    this.isReleased = true;
    if (this.streams.size === 0 && this.waiting.length === 0) this.close();
  }

  /** Starts waiting streams while the peer's SETTINGS_MAX_CONCURRENT_STREAMS allows. */
  startWaiting(): void {
    while (this.waiting.length > 0 && this.streams.size < this.maxConcurrentStreams && this.isOpen) this.start(this.waiting.shift()!);
  }

  /** The peer's first SETTINGS: the connection speaks HTTP/2. */
  markConnected(): void {
    this.settle?.resolve();
    this.settle = undefined;
  }

  /** GOAWAY: streams the peer will not process fail now; the others may still finish. */
  goAway(lastStreamId: number, code: number): void {
    this.isGoingAway = true;
    this.error ??= new Error(`the gateway closed the connection (GOAWAY ${code})`);
    for (const stream of [...this.waiting, ...this.streams.values()]) if (stream.id === 0 || stream.id > lastStreamId) stream.close(h2Error.refusedStream, this.error);
    this.waiting.length = 0;
    if (this.streams.size === 0) this.close();
  }

  /**
   * The connection cannot go on: every stream fails with `error` (the first error wins).
   * With `goawayCode` the peer is told why first (GOAWAY), as on a client's own close.
   */
  fail(error: Error, goawayCode?: number): void {
    if (this.isClosed) return;
    this.error ??= error;
    this.isClosed = true;
    this.settle?.reject(this.error);
    this.settle = undefined;
    for (const stream of [...this.waiting, ...this.streams.values()]) stream.close(h2Error.noError, this.error);
    this.waiting.length = 0;
    this.io.close(goawayCode === undefined ? undefined : encodeGoaway(0, goawayCode));
  }

  /** Closes the connection (GOAWAY NO_ERROR, then the socket); streams still open fail. */
  close(): void {
    this.fail(new Error('the connection was closed by the client'), h2Error.noError);
  }
}

/**
 * A server's first frame is SETTINGS (RFC 9113 §3.4). Anything else is most likely not an
 * HTTP/2 server at all (an HTTP/1.1 gateway answers the preface with "HTTP/1.1 400"): say
 * what came instead of a frame-size error.
 */
function checkServerPreface(chunk: Buffer): void {
  if (chunk.length < 4 || chunk[3] === frameType.settings) return;
  const start = chunk.subarray(0, 24).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  throw new H2ProtocolError(`the server did not answer in HTTP/2 (its first bytes: "${start}"); is this a gRPC port?`);
}
