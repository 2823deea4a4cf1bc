import { status as grpcStatus } from '@grpc/grpc-js';
import { decodeDataRequest, type DecodeOptions } from '../protocol/codec.ts';
import type { DataRequest } from '../protocol/data-request.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import { jinaGrpcMethods } from '../protocol/grpc-methods.ts';
import { isRequestIdOnly, peekRequestId } from '../protocol/request-id.ts';
import type { GatewayTarget, PostResult } from './gateway-client.ts';
import { GrpcMessageReader } from './grpc-message-reader.ts';
import { grpcRequestHeaderBlock } from './grpc-request-headers.ts';
import { grpcStatusName, statusFromClosedStream, statusFromHeaders, type GrpcStatus } from './grpc-status.ts';
import type { H2Connection } from './h2-connection.ts';
import { h2Error } from './h2-frames.ts';
import type { HeaderFields } from './h2-header-block.ts';
import type { H2Stream, H2StreamEvents, StreamClosed } from './h2-stream.ts';
import {
  connectionErrorResult,
  deploymentInDescription,
  errorStatusResult,
  protocolErrorResult,
  resultFromResponse,
  timeoutResult,
} from './post-result.ts';

interface Pending {
  sentAtMs: number;
  /** When the request times out, on the `performance.now()` clock (Infinity: never). */
  deadlineMs: number;
  /**
   * The gateway answered with only this request's id: a deployment was unreachable, and
   * the stream is about to end with UNAVAILABLE, whose details say which one.
   */
  isUnreachable: boolean;
  resolve(result: PostResult): void;
}

export interface CallStreamOptions {
  target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>;
  docarray: DocarrayVersion;
  decode: DecodeOptions;
  timeoutMs: number | undefined;
  /** Called once per request when its outcome is known (the client frees its prefetch slot). */
  onSettled(): void;
  onBroken(stream: CallStream): void;
}

/**
 * One `/jina.JinaRPC/Call` bidirectional stream. Requests are written as they come; responses
 * may return in any order and are matched by `header.request_id`. When the stream breaks,
 * every request in flight resolves as `connection-error` and `onBroken` lets the owner open a
 * new stream for the next post.
 *
 * Jina 3.34, when a deployment cannot be reached, sends one message holding only the failing
 * request's id and then ends the stream with UNAVAILABLE (docs/jina-protocols-verified.md
 * §1.9). That request becomes `error-status` (InternalNetworkError, attributed to the
 * deployment the details name); the others in flight are lost, as `connection-error`.
 *
 * Timeouts share one timer per stream, armed for the oldest request's deadline: every request
 * has the same timeout, so the map's insertion order is deadline order. A timer per request
 * (set, then cleared on the answer) was a visible share of the load generator's profile.
 *
 * The stream is an HTTP/2 stream of our own connection (h2-connection.ts; requests are gRPC
 * length-prefixed messages, framed by the encoder in the same buffer): grpc-js's duplex call
 * cost twice a bare client's CPU per message in the load generator (bench/peers).
 */
export class CallStream implements H2StreamEvents {
  private readonly pending = new Map<string, Pending>();
  private readonly call: H2Stream;
  private readonly reader: GrpcMessageReader;
  private timer: NodeJS.Timeout | undefined;
  private httpStatus: number | undefined;
  private status: GrpcStatus | undefined;
  isBroken = false;
  private brokenBy: { message: string; code: string } | undefined;

  constructor(
    connection: H2Connection,
    private readonly options: CallStreamOptions,
  ) {
    this.reader = new GrpcMessageReader((message) => this.receive(message));
    this.call = connection.open(headerBlockFor(options.target), this);
  }

  onHeaders(fields: HeaderFields): void {
    const httpStatus = fields[':status'];
    if (this.httpStatus === undefined && httpStatus !== undefined) this.httpStatus = Number(httpStatus);
    this.status ??= statusFromHeaders(fields);
  }

  onData(chunk: Buffer): void {
    try {
      this.reader.push(chunk);
    } catch (error) {
      this.fail((error as Error).message, 'INTERNAL');
      this.call.reset(h2Error.cancel);
    }
  }

  /**
   * The stream is over — the server ended it (after its last message and the trailers; our
   * side is then reset), reset it, or the connection went: an OK status with answers still
   * due means they will not come.
   */
  onClose(closed: StreamClosed): void {
    if (this.isBroken && this.pending.size === 0) return;
    const status = this.status ?? statusFromClosedStream(closed.rstCode, this.httpStatus, closed.connectionError);
    if (status.code === grpcStatus.OK) this.fail('gRPC stream ended by the server before all responses arrived', 'STREAM_ENDED');
    else this.fail(status.details || grpcStatusName(status.code), grpcStatusName(status.code));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  send(requestId: string, bytes: Uint8Array, sentAtMs: number): Promise<PostResult> {
    const broken = this.brokenBy;
    if (broken) {
      // Broken as it opened (its connection had just failed): nothing would answer.
      this.options.onSettled();
      return Promise.resolve(connectionErrorResult(requestId, broken.message, sentAtMs, broken.code));
    }
    if (this.pending.has(requestId)) {
      this.options.onSettled();
      return Promise.resolve(protocolErrorResult(requestId, `request id ${requestId} is already in flight on this stream`, sentAtMs));
    }
    const { timeoutMs } = this.options;
    return new Promise<PostResult>((resolve) => {
      const deadlineMs = timeoutMs === undefined ? Infinity : sentAtMs + timeoutMs;
      this.pending.set(requestId, { sentAtMs, deadlineMs, isUnreachable: false, resolve });
      if (timeoutMs !== undefined && this.timer === undefined) this.armTimer(deadlineMs - performance.now());
      this.call.write(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  }

  private receive(buffer: Buffer): void {
    let response: DataRequest;
    try {
      response = decodeDataRequest(buffer, this.options.docarray, this.options.decode);
    } catch (error) {
      // The id alone may still be readable: that request fails, the others wait on.
      const requestId = peekRequestId(buffer);
      const pending = requestId === undefined ? undefined : this.pending.get(requestId);
      if (pending) this.settle(requestId!, pending, protocolErrorResult(requestId!, (error as Error).message, pending.sentAtMs));
      return;
    }
    const requestId = response.header.requestId;
    const pending = this.pending.get(requestId);
    // Unknown ids are answers to requests that already timed out: nobody waits for them.
    if (!pending) return;
    // Wait for the stream's status, which names the deployment (the timeout still applies).
    if (mayBeRequestIdOnly(response) && isRequestIdOnly(buffer)) pending.isUnreachable = true;
    else this.settle(requestId, pending, resultFromResponse(requestId, response, pending.sentAtMs));
  }

  private settle(requestId: string, pending: Pending, result: PostResult): void {
    this.pending.delete(requestId);
    this.options.onSettled();
    pending.resolve(result);
  }

  private armTimer(delayMs: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(delayMs)));
  }

  /** Times out every request past its deadline, then re-arms for the oldest one left. */
  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const [requestId, pending] of this.pending) {
      if (pending.deadlineMs > now) {
        if (pending.deadlineMs !== Infinity) this.armTimer(pending.deadlineMs - now);
        return;
      }
      this.settle(requestId, pending, timeoutResult(requestId, this.options.timeoutMs!, pending.sentAtMs));
    }
  }

  private fail(message: string, code: string): void {
    if (!this.isBroken) {
      this.isBroken = true;
      this.brokenBy = { message, code };
      this.options.onBroken(this);
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    const lost = [...this.pending];
    this.pending.clear();
    for (const [requestId, pending] of lost) {
      this.options.onSettled();
      if (pending.isUnreachable) {
        const executor = deploymentInDescription(message) ?? '';
        pending.resolve(errorStatusResult(requestId, { name: 'InternalNetworkError', description: message, executor }, pending.sentAtMs));
      } else {
        pending.resolve(connectionErrorResult(requestId, message, pending.sentAtMs, code));
      }
    }
  }

  /** Ends the stream; requests still in flight fail as `connection-error`. */
  close(): void {
    this.fail('gRPC client closed', 'CLIENT_CLOSED');
    this.call.reset(h2Error.cancel);
  }
}

/** Cheap pre-test on the decoded response before reading the bytes: no routes, status or endpoint. */
function mayBeRequestIdOnly(response: DataRequest): boolean {
  const { header } = response;
  return response.routes.length === 0 && header.status === undefined && header.execEndpoint === undefined;
}

/** The Call stream's header block, encoded once per gateway (the same bytes on every stream). */
const headerBlocks = new Map<string, Buffer>();
function headerBlockFor(target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>): Buffer {
  const key = `${target.tls ? 's' : ''}${target.host}:${target.port}`;
  let block = headerBlocks.get(key);
  if (!block) {
    block = grpcRequestHeaderBlock(target, jinaGrpcMethods.call);
    headerBlocks.set(key, block);
  }
  return block;
}
