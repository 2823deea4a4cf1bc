import { status as grpcStatus } from '@grpc/grpc-js';
import { decodeDataRequest, type DecodeOptions } from '../protocol/codec.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import { jinaGrpcMethods } from '../protocol/grpc-methods.ts';
import type { GatewayTarget, PostResult } from './gateway-client.ts';
import { grpcRequestHeaderBlock } from './grpc-request-headers.ts';
import { grpcStatusName, statusFromClosedStream, statusFromHeaders, type GrpcStatus } from './grpc-status.ts';
import type { H2Connection } from './h2-connection.ts';
import { h2Error } from './h2-frames.ts';
import type { HeaderFields } from './h2-header-block.ts';
import type { H2Stream, H2StreamEvents, StreamClosed } from './h2-stream.ts';
import { connectionErrorResult, errorStatusResult, protocolErrorResult, resultFromResponse, timeoutResult } from './post-result.ts';

export interface UnaryCallsOptions {
  target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>;
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

/** One `process_single_data` call in flight: what its stream brought so far. */
class UnaryCall implements H2StreamEvents {
  stream: H2Stream | undefined;
  readonly chunks: Buffer[] = [];
  httpStatus: number | undefined;
  status: GrpcStatus | undefined;
  isSettled = false;

  constructor(
    private readonly owner: UnaryCalls,
    readonly requestId: string,
    readonly sentAtMs: number,
    readonly deadlineMs: number,
    readonly resolve: (result: PostResult) => void,
  ) {}

  onHeaders(fields: HeaderFields): void {
    // The first block is the response headers; a trailers-only answer (an error before any
    // message) carries its status there, otherwise it comes in the trailers.
    const httpStatus = fields[':status'];
    if (this.httpStatus === undefined && httpStatus !== undefined) this.httpStatus = Number(httpStatus);
    this.status ??= statusFromHeaders(fields);
  }

  onData(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onClose(closed: StreamClosed): void {
    this.owner.finish(this, closed);
  }
}

/**
 * Unary `process_single_data` calls of one client, each an HTTP/2 stream of our own
 * connection (h2-connection.ts: HEADERS from a block encoded once, one DATA frame with the
 * length-prefixed message, trailers back): grpc-js's unary machinery cost ~5× ghz's CPU per
 * call, and node:http2's streams alone 2× (bench/peers, docs/benchmarks.md). Outcomes map as
 * grpc-js reports them (statuses, RST_STREAM codes, HTTP statuses), then as the client always
 * has (connection-error / timeout / protocol-error / error-status). Timeouts share one timer,
 * armed for the oldest call: every call has the same timeout, so insertion order is deadline
 * order.
 */
export class UnaryCalls {
  private readonly pending = new Set<UnaryCall>();
  private readonly headerBlock: Buffer;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: UnaryCallsOptions) {
    this.headerBlock = grpcRequestHeaderBlock(options.target, jinaGrpcMethods.processSingleData, options.timeoutMs);
  }

  /** Sends `framed` (a gRPC length-prefixed DataRequestProto) and resolves with its outcome. */
  send(connection: H2Connection, requestId: string, framed: Buffer, sentAtMs: number): Promise<PostResult> {
    const { timeoutMs } = this.options;
    return new Promise<PostResult>((resolve) => {
      const call = new UnaryCall(this, requestId, sentAtMs, timeoutMs === undefined ? Infinity : sentAtMs + timeoutMs, resolve);
      this.pending.add(call);
      if (timeoutMs !== undefined && this.timer === undefined) this.armTimer(call.deadlineMs - performance.now());
      // On a connection that already failed, the stream closes at once (UNAVAILABLE).
      call.stream = connection.open(this.headerBlock, call, framed, true);
    });
  }

  /** The call's stream closed: its outcome, unless a timeout or close() settled it first. */
  finish(call: UnaryCall, closed: StreamClosed): void {
    if (call.isSettled) return;
    this.settle(call, this.outcome(call, closed));
  }

  private outcome(call: UnaryCall, closed: StreamClosed): PostResult {
    const { requestId, sentAtMs } = call;
    const status = call.status ?? statusFromClosedStream(closed.rstCode, call.httpStatus, closed.connectionError);
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
      call.stream?.reset(h2Error.cancel);
    }
  }

  /** Fails every call in flight (the client is closing); their streams are cancelled. */
  close(message: string): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const call of [...this.pending]) {
      this.settle(call, connectionErrorResult(call.requestId, message, call.sentAtMs, 'CLIENT_CLOSED'));
      call.stream?.reset(h2Error.cancel);
    }
  }
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
