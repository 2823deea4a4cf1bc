import http2 from 'node:http2';
import { status as grpcStatus } from '@grpc/grpc-js';
import { decodeDataRequest, type DecodeOptions } from '../protocol/codec.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import { jinaGrpcMethods } from '../protocol/grpc-methods.ts';
import type { PostResult } from './gateway-client.ts';
import { grpcRequestHeaders } from './grpc-request-headers.ts';
import type { GrpcConnection } from './grpc-session.ts';
import { grpcStatusName, statusFromClosedStream, statusFromHeaders, type GrpcStatus } from './grpc-status.ts';
import { connectionErrorResult, errorStatusResult, protocolErrorResult, resultFromResponse, timeoutResult } from './post-result.ts';

export interface UnaryCallsOptions {
  docarray: DocarrayVersion;
  decode: DecodeOptions;
  timeoutMs: number | undefined;
  /** Called once per request when its outcome is known (the client frees its prefetch slot). */
  onSettled(): void;
}

/** gRPC statuses that mean "the gateway could not be reached", as Jina's client reads them. */
const connectionStatuses = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.CANCELLED, grpcStatus.NOT_FOUND]);
/** gRPC statuses that mean the two sides do not speak the same protocol. */
const protocolStatuses = new Set<number>([grpcStatus.UNIMPLEMENTED, grpcStatus.RESOURCE_EXHAUSTED, grpcStatus.INVALID_ARGUMENT]);

/** One `process_single_data` call in flight. */
interface UnaryCall {
  requestId: string;
  sentAtMs: number;
  deadlineMs: number;
  connection: GrpcConnection;
  stream: http2.ClientHttp2Stream;
  chunks: Buffer[];
  httpStatus: number | undefined;
  status: GrpcStatus | undefined;
  streamError: Error | undefined;
  isSettled: boolean;
  resolve(result: PostResult): void;
}

/**
 * Unary `process_single_data` calls of one client, each an HTTP/2 stream written directly on
 * node:http2 (headers, one length-prefixed message, trailers): grpc-js's unary machinery —
 * interceptors, a resolving, retrying and load-balancing call per request, metadata objects,
 * a deadline timer — cost ~5× ghz's CPU per call, most of it per-call set-up (bench/peers,
 * docs/benchmarks.md). Outcomes map as grpc-js reports them (statuses, RST_STREAM codes,
 * HTTP statuses), then as the client always has (connection-error / timeout / protocol-error /
 * error-status). Timeouts share one timer, armed for the oldest call: every call has the
 * same timeout, so insertion order is deadline order.
 */
export class UnaryCalls {
  private readonly pending = new Set<UnaryCall>();
  private readonly headers: http2.OutgoingHttpHeaders;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: UnaryCallsOptions) {
    this.headers = grpcRequestHeaders(jinaGrpcMethods.processSingleData, options.timeoutMs);
  }

  /** Sends `framed` (a gRPC length-prefixed DataRequestProto) and resolves with its outcome. */
  send(connection: GrpcConnection, requestId: string, framed: Buffer, sentAtMs: number): Promise<PostResult> {
    const { timeoutMs } = this.options;
    return new Promise<PostResult>((resolve) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = connection.session.request(this.headers, { endStream: false });
      } catch (error) {
        this.options.onSettled();
        resolve(connectionErrorResult(requestId, (error as Error).message, sentAtMs, 'UNAVAILABLE'));
        return;
      }
      const call: UnaryCall = {
        requestId,
        sentAtMs,
        deadlineMs: timeoutMs === undefined ? Infinity : sentAtMs + timeoutMs,
        connection,
        stream,
        chunks: [],
        httpStatus: undefined,
        status: undefined,
        streamError: undefined,
        isSettled: false,
        resolve,
      };
      this.pending.add(call);
      if (timeoutMs !== undefined && this.timer === undefined) this.armTimer(call.deadlineMs - performance.now());
      stream.on('response', (headers) => {
        call.httpStatus = headers[':status'];
        // A trailers-only answer (an error before any message) carries its status here.
        call.status ??= statusFromHeaders(headers);
      });
      stream.on('data', (chunk: Buffer) => call.chunks.push(chunk));
      stream.on('trailers', (trailers) => {
        call.status ??= statusFromHeaders(trailers);
      });
      stream.on('error', (error: Error) => {
        call.streamError ??= error;
      });
      stream.on('close', () => this.finish(call));
      stream.end(framed);
    });
  }

  private finish(call: UnaryCall): void {
    if (call.isSettled) return;
    this.settle(call, this.outcome(call));
  }

  private outcome(call: UnaryCall): PostResult {
    const { requestId, sentAtMs } = call;
    const status =
      call.status ?? statusFromClosedStream(call.stream.rstCode ?? http2.constants.NGHTTP2_NO_ERROR, call.httpStatus, call.connection.error ?? connectionDrop(call));
    if (status.code !== grpcStatus.OK) return failure(requestId, status, sentAtMs, this.options.timeoutMs);
    const body = call.chunks.length === 1 ? call.chunks[0]! : Buffer.concat(call.chunks);
    if (body.length < 5) return protocolErrorResult(requestId, 'INTERNAL: the gateway answered OK without a message', sentAtMs);
    if (body[0] !== 0) return protocolErrorResult(requestId, 'INTERNAL: received a compressed message, but no compression was offered', sentAtMs);
    const length = body.readUInt32BE(1);
    if (body.length !== 5 + length) return protocolErrorResult(requestId, `INTERNAL: expected one message of ${length} bytes, received ${body.length - 5}`, sentAtMs);
    try {
      return resultFromResponse(requestId, decodeDataRequest(body.subarray(5), this.options.docarray, this.options.decode), sentAtMs);
    } catch (error) {
      return protocolErrorResult(requestId, (error as Error).message, sentAtMs);
    }
  }

  private settle(call: UnaryCall, result: PostResult): void {
    call.isSettled = true;
    this.pending.delete(call);
    this.options.onSettled();
    call.resolve(result);
  }

  private armTimer(delayMs: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(delayMs)));
  }

  /** Times out every call past its deadline (cancelling its stream), then re-arms for the oldest left. */
  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const call of this.pending) {
      if (call.deadlineMs > now) {
        if (call.deadlineMs !== Infinity) this.armTimer(call.deadlineMs - now);
        return;
      }
      this.settle(call, timeoutResult(call.requestId, this.options.timeoutMs!, call.sentAtMs));
      call.stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }

  /** Fails every call in flight (the client is closing); their streams are cancelled. */
  close(message: string): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const call of [...this.pending]) {
      this.settle(call, connectionErrorResult(call.requestId, message, call.sentAtMs, 'CLIENT_CLOSED'));
      if (!call.stream.destroyed) call.stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }
}

/** A stream error that means the connection went (reset, refused), not the call. */
function connectionDrop(call: UnaryCall): Error | undefined {
  const error = call.streamError as NodeJS.ErrnoException | undefined;
  if (!error) return undefined;
  return error.code === 'ECONNRESET' || error.code === 'ECONNREFUSED' || error.code === 'ETIMEDOUT' || call.connection.session.destroyed ? error : undefined;
}

/** A non-OK status as a PostResult, as the client has always classified them. */
function failure(requestId: string, status: GrpcStatus, sentAtMs: number, timeoutMs: number | undefined): PostResult {
  const codeName = grpcStatusName(status.code);
  if (status.code === grpcStatus.DEADLINE_EXCEEDED && timeoutMs !== undefined) return timeoutResult(requestId, timeoutMs, sentAtMs);
  if (connectionStatuses.has(status.code) || status.code === grpcStatus.DEADLINE_EXCEEDED) {
    return connectionErrorResult(requestId, status.details || codeName, sentAtMs, codeName);
  }
  if (protocolStatuses.has(status.code)) return protocolErrorResult(requestId, `${codeName}: ${status.details}`, sentAtMs);
  return errorStatusResult(requestId, { name: `grpc.${codeName}`, description: status.details || codeName }, sentAtMs);
}
