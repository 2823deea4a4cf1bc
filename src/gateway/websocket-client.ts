import WebSocket from 'ws';
import { StressError } from '../errors.ts';
import { decodeDataRequest, type DecodeOptions } from '../protocol/codec.ts';
import { dataRequestFromJson } from '../protocol/data-request-json.ts';
import { peekRequestId } from '../protocol/request-id.ts';
import { defaultConnectTimeoutMs, type DryRunResult, type GatewayClient, type GatewayClientOptions, type GatewayInfo, type GatewayTarget, type PostRequest, type PostResult } from './gateway-client.ts';
import { httpDryRun, httpInfo } from './http-control-calls.ts';
import { InFlightLimit } from './in-flight-limit.ts';
import { newRequestId, PostRequestEncoder } from './post-request-encoding.ts';
import { connectionErrorResult, protocolErrorResult, resultFromResponse, timeoutResult } from './post-result.ts';
import { websocketBytesEndOfInput, websocketJsonEndOfInput, websocketJsonFrame } from './websocket-request-frame.ts';

/**
 * One request waiting for its answer. `resolve` settles it once and frees its prefetch slot
 * first (a class rather than a closure and an object literal per request).
 */
class Pending {
  /** Bytes mode: when it times out (`performance.now()` clock; Infinity: never). */
  deadlineMs = Infinity;
  /** JSON mode: its own timeout timer. */
  timer: NodeJS.Timeout | undefined = undefined;
  /** Set when the request timed out: its late answer must still be consumed (JSON mode). */
  isAbandoned = false;
  private isSettled = false;

  constructor(
    readonly requestId: string,
    readonly sentAtMs: number,
    private readonly limit: InFlightLimit,
    private readonly settle: (result: PostResult) => void,
  ) {}

  resolve(result: PostResult): void {
    if (this.isSettled) return;
    this.isSettled = true;
    this.limit.release();
    this.settle(result);
  }
}

/** `socket.send` options, one object per framing instead of one per request. */
const binaryFrame = { binary: true };
const textFrame = { binary: false };

/**
 * WebSocket client on `ws://host:port/`. `bytes` framing (default): one DataRequestProto per
 * binary frame, responses matched by `header.request_id`, up to `prefetch` in flight. `json`
 * framing: the gateway assigns request ids, so responses can only be matched by order, and
 * order is only guaranteed with one request in flight: prefetch is capped to 1 in JSON mode,
 * and a timed-out request costs the socket (its late answer could not be told apart).
 * A socket that closes (Jina closes with 1011 when an executor is unreachable) fails the
 * requests in flight as `connection-error`; the next post opens a new socket.
 */
export function createWebSocketClient(options: GatewayClientOptions): GatewayClient {
  if (options.websocketFraming === 'json' && options.target.docarray === 'v2') {
    throw new StressError('CONFIG_INVALID', 'WebSocket JSON framing does not work with docarray v2 Flows', {
      hint:
        'Jina 3.34 with docarray v2 raises "DocArray v2 is not compatible with json subprotocol" and drops the ' +
        'connection without an answer; use websocket_framing: bytes (the default) or a docarray v1 Flow.',
      details: { protocol: 'websocket', websocketFraming: 'json', docarray: 'v2' },
    });
  }
  return new WebSocketGatewayClient(options);
}

/** One socket and the requests waiting on it: a closing socket fails only its own. */
interface Connection {
  socket: WebSocket;
  byId: Map<string, Pending>;
  inOrder: Pending[];
  /** Bytes mode: the one timeout timer, armed for the oldest request in `byId`. */
  timer: NodeJS.Timeout | undefined;
}

class WebSocketGatewayClient implements GatewayClient {
  readonly target: GatewayTarget;
  private connection: Connection | undefined;
  private opening: Promise<Connection> | undefined;
  private isConnected = false;
  private readonly framing: 'bytes' | 'json';
  private readonly limit: InFlightLimit;
  private readonly decodeOptions: DecodeOptions;
  private readonly encoder: PostRequestEncoder;

  constructor(private readonly options: GatewayClientOptions) {
    this.target = options.target;
    this.framing = options.websocketFraming ?? 'bytes';
    this.limit = new InFlightLimit(this.framing === 'json' ? 1 : (options.prefetch ?? 1));
    this.decodeOptions = { skipDocs: options.decodeDocs === false };
    this.encoder = new PostRequestEncoder(options.target.docarray);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    try {
      await this.open(signal);
      this.isConnected = true;
    } catch (error) {
      throw new StressError('GATEWAY_CONNECTION', `cannot open WebSocket to ${this.url()}: ${(error as Error).message}`, {
        hint: 'Is the Flow running with protocol websocket on this port?',
        cause: error,
      });
    }
  }

  private url(): string {
    return `${this.target.tls ? 'wss' : 'ws'}://${this.target.host}:${this.target.port}/`;
  }

  private open(signal?: AbortSignal): Promise<Connection> {
    if (this.connection?.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.connection);
    this.opening ??= new Promise<Connection>((resolve, reject) => {
      // Jina picks `bytes` from the Sec-WebSocket-Protocol request header but never echoes it,
      // and `ws` given `protocols` aborts on a handshake without one ("Server sent no
      // subprotocol"): send the header ourselves. No header means JSON to Jina.
      // maxPayload 0: no receive limit, like Jina's unlimited gRPC messages.
      const headers: Record<string, string> = this.framing === 'bytes' ? { 'Sec-WebSocket-Protocol': 'bytes' } : {};
      const socket = new WebSocket(this.url(), { headers, perMessageDeflate: false, maxPayload: 0, handshakeTimeout: this.options.connectTimeoutMs ?? defaultConnectTimeoutMs });
      const connection: Connection = { socket, byId: new Map(), inOrder: [], timer: undefined };
      const onAbort = (): void => {
        socket.terminate();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.binaryType = 'nodebuffer';
      socket.once('open', () => {
        signal?.removeEventListener('abort', onAbort);
        this.connection = connection;
        resolve(connection);
      });
      socket.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      socket.on('message', (data: Buffer, isBinary: boolean) => this.receive(connection, data, isBinary));
      socket.on('close', (code: number, reason: Buffer) => {
        if (this.connection === connection) this.connection = undefined;
        failAll(connection, `WebSocket closed with ${code}${reason.length ? `: ${reason.toString('utf8')}` : ''}`, `WS_${code}`);
      });
    }).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  post(request: PostRequest): Promise<PostResult> {
    // Not async, no await on the common path (a slot free, the socket open): each promise
    // and await showed in the load generator's profile, as they did for the gRPC client.
    let requestId: string;
    let sentAtMs: number;
    let frame: Buffer | string;
    try {
      if (!this.isConnected) throw new StressError('INTERNAL', 'WebSocket gateway client used before connect()', { hint: 'Await connect() first.' });
      requestId = request.requestId ?? newRequestId();
      sentAtMs = performance.now();
      frame = this.framing === 'bytes' ? this.encoder.encode(request, requestId) : websocketJsonFrame(request, this.target.docarray);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.limit.tryAcquire()) return this.sendWhenOpen(requestId, frame, sentAtMs);
    return this.limit.acquire().then(() => this.sendWhenOpen(requestId, frame, sentAtMs));
  }

  /** Holds a prefetch slot: released when the outcome is known. */
  private sendWhenOpen(requestId: string, frame: Buffer | string, sentAtMs: number): Promise<PostResult> {
    const connection = this.connection;
    if (connection?.socket.readyState === WebSocket.OPEN) return this.sendOn(connection, requestId, frame, sentAtMs);
    return this.open().then(
      (opened) => this.sendOn(opened, requestId, frame, sentAtMs),
      (error: unknown) => {
        this.limit.release();
        return connectionErrorResult(requestId, `cannot reopen WebSocket: ${(error as Error).message}`, sentAtMs, (error as NodeJS.ErrnoException).code);
      },
    );
  }

  private sendOn(connection: Connection, requestId: string, frame: Buffer | string, sentAtMs: number): Promise<PostResult> {
    if (this.framing === 'bytes' && connection.byId.has(requestId)) {
      this.limit.release();
      return Promise.resolve(protocolErrorResult(requestId, `request id ${requestId} is already in flight on this socket`, sentAtMs));
    }
    return new Promise<PostResult>((resolve) => {
      const pending = new Pending(requestId, sentAtMs, this.limit, resolve);
      const timeoutMs = this.options.requestTimeoutMs;
      if (timeoutMs !== undefined) {
        if (this.framing === 'bytes') {
          // Bytes mode: one timer per socket for the oldest request (same timeout for all,
          // so insertion order is deadline order), as the gRPC stream does.
          pending.deadlineMs = sentAtMs + timeoutMs;
          if (connection.timer === undefined) this.armTimer(connection, timeoutMs);
        } else {
          pending.timer = setTimeout(() => {
            pending.isAbandoned = true;
            pending.resolve(timeoutResult(requestId, timeoutMs, sentAtMs));
            // JSON mode matches by order: a late answer would be taken for the next request's.
            // Drop the socket instead; the next post opens a fresh one.
            connection.socket.terminate();
          }, timeoutMs);
        }
      }
      if (this.framing === 'bytes') connection.byId.set(requestId, pending);
      else connection.inOrder.push(pending);
      connection.socket.send(frame, this.framing === 'bytes' ? binaryFrame : textFrame);
    });
  }

  private armTimer(connection: Connection, delayMs: number): void {
    connection.timer = setTimeout(() => this.expire(connection), Math.max(1, Math.ceil(delayMs)));
  }

  /** Bytes mode: times out every request past its deadline, then re-arms for the oldest left. */
  private expire(connection: Connection): void {
    connection.timer = undefined;
    const now = performance.now();
    for (const [requestId, pending] of connection.byId) {
      if (pending.deadlineMs > now) {
        if (pending.deadlineMs !== Infinity) this.armTimer(connection, pending.deadlineMs - now);
        return;
      }
      // Its late answer, if any, finds no one waiting and is dropped.
      connection.byId.delete(requestId);
      pending.isAbandoned = true;
      pending.resolve(timeoutResult(requestId, this.options.requestTimeoutMs!, pending.sentAtMs));
    }
  }

  private receive(connection: Connection, data: Buffer, isBinary: boolean): void {
    if (this.framing === 'bytes') {
      if (!isBinary) return;
      // Decoded first and matched by the decoded header (one parse); only bytes that fail to
      // decode are peeked for their id, so that request fails and the others wait on.
      let response: ReturnType<typeof decodeDataRequest> | undefined;
      let failure: Error | undefined;
      try {
        response = decodeDataRequest(data, this.target.docarray, this.decodeOptions);
      } catch (error) {
        failure = error as Error;
      }
      const requestId = response ? response.header.requestId : peekRequestId(data);
      const pending = requestId === undefined ? undefined : connection.byId.get(requestId);
      if (!pending) return; // an answer to a request that timed out
      connection.byId.delete(pending.requestId);
      if (response) pending.resolve(resultFromResponse(pending.requestId, response, pending.sentAtMs));
      else pending.resolve(protocolErrorResult(pending.requestId, failure!.message, pending.sentAtMs));
      return;
    }
    // JSON mode: one request in flight, so the next response is the oldest request's.
    const pending = connection.inOrder.shift();
    if (!pending || pending.isAbandoned) return;
    this.settle(pending, () => dataRequestFromJson(JSON.parse(data.toString('utf8')), this.target.docarray));
  }

  private settle(pending: Pending, decode: () => ReturnType<typeof decodeDataRequest>): void {
    clearTimeout(pending.timer);
    try {
      pending.resolve(resultFromResponse(pending.requestId, decode(), pending.sentAtMs));
    } catch (error) {
      pending.resolve(protocolErrorResult(pending.requestId, (error as Error).message, pending.sentAtMs));
    }
  }

  dryRun(): Promise<DryRunResult> {
    return httpDryRun(this.target);
  }

  info(): Promise<GatewayInfo> {
    return httpInfo(this.target);
  }

  async close(): Promise<void> {
    this.isConnected = false;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    failAll(connection, 'WebSocket client closed', 'CLIENT_CLOSED');
    const { socket } = connection;
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(this.framing === 'bytes' ? websocketBytesEndOfInput : websocketJsonEndOfInput, { binary: this.framing === 'bytes' });
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000);
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1000).unref();
    });
  }
}

function failAll(connection: Connection, message: string, code: string): void {
  clearTimeout(connection.timer);
  connection.timer = undefined;
  const pendings = [...connection.byId.values(), ...connection.inOrder.splice(0)];
  connection.byId.clear();
  for (const pending of pendings) {
    if (pending.isAbandoned) continue;
    clearTimeout(pending.timer);
    pending.resolve(connectionErrorResult(pending.requestId, message, pending.sentAtMs, code));
  }
}
