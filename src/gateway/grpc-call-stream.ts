import * as grpc from '@grpc/grpc-js';
import { decodeDataRequest } from '../protocol/codec';
import type { DataRequest } from '../protocol/data-request';
import type { DocarrayVersion } from '../protocol/document';
import { jinaGrpcMethods } from '../protocol/grpc-methods';
import { peekRequestId } from '../protocol/request-id';
import type { PostResult } from './gateway-client';
import {
  connectionErrorResult,
  deploymentInDescription,
  errorStatusResult,
  protocolErrorResult,
  resultFromResponse,
  timeoutResult,
} from './post-result';

interface Pending {
  sentAtMs: number;
  timer: NodeJS.Timeout | undefined;
  /**
   * The gateway answered with only this request's id: a deployment was unreachable, and
   * the stream is about to end with UNAVAILABLE, whose details say which one.
   */
  isUnreachable: boolean;
  resolve(result: PostResult): void;
}

const passBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const keepBuffer = (buffer: Buffer): Buffer => buffer;

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
 */
export class CallStream {
  private readonly pending = new Map<string, Pending>();
  private readonly call: grpc.ClientDuplexStream<Uint8Array, Buffer>;
  isBroken = false;

  constructor(
    client: grpc.Client,
    private readonly docarray: DocarrayVersion,
    private readonly onBroken: (stream: CallStream) => void,
  ) {
    this.call = client.makeBidiStreamRequest(jinaGrpcMethods.call, passBytes, keepBuffer);
    this.call.on('data', (buffer: Buffer) => this.receive(buffer));
    this.call.on('error', (error: grpc.ServiceError) => {
      this.fail(error.details || error.message, grpc.status[error.code] ?? String(error.code));
    });
    // The server ended the stream cleanly while we still wait: those answers will not come.
    this.call.on('end', () => this.fail('gRPC stream ended by the server before all responses arrived', 'STREAM_ENDED'));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  send(requestId: string, bytes: Uint8Array, sentAtMs: number, timeoutMs: number | undefined): Promise<PostResult> {
    if (this.pending.has(requestId)) {
      return Promise.resolve(protocolErrorResult(requestId, `request id ${requestId} is already in flight on this stream`, sentAtMs));
    }
    return new Promise<PostResult>((resolve) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(requestId);
              resolve(timeoutResult(requestId, timeoutMs, sentAtMs));
            }, timeoutMs);
      this.pending.set(requestId, { sentAtMs, timer, isUnreachable: false, resolve });
      this.call.write(bytes);
    });
  }

  private receive(buffer: Buffer): void {
    const requestId = peekRequestId(buffer);
    const pending = requestId === undefined ? undefined : this.pending.get(requestId);
    // Unknown ids are answers to requests that already timed out: nobody waits for them.
    if (!pending || requestId === undefined) return;
    let response: DataRequest;
    try {
      response = decodeDataRequest(buffer, this.docarray);
    } catch (error) {
      this.settle(requestId, pending, protocolErrorResult(requestId, (error as Error).message, pending.sentAtMs));
      return;
    }
    // Wait for the stream's status, which names the deployment (the timeout still applies).
    if (isRequestIdOnly(response)) pending.isUnreachable = true;
    else this.settle(requestId, pending, resultFromResponse(requestId, response, pending.sentAtMs));
  }

  private settle(requestId: string, pending: Pending, result: PostResult): void {
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.resolve(result);
  }

  private fail(message: string, code: string): void {
    if (!this.isBroken) {
      this.isBroken = true;
      this.onBroken(this);
    }
    for (const [requestId, pending] of this.pending) {
      clearTimeout(pending.timer);
      if (pending.isUnreachable) {
        const executor = deploymentInDescription(message) ?? '';
        pending.resolve(errorStatusResult(requestId, { name: 'InternalNetworkError', description: message, executor }, pending.sentAtMs));
      } else {
        pending.resolve(connectionErrorResult(requestId, message, pending.sentAtMs, code));
      }
    }
    this.pending.clear();
  }

  /** Half-closes the stream; requests still in flight fail as `connection-error`. */
  close(): void {
    this.fail('gRPC client closed', 'CLIENT_CLOSED');
    this.call.end();
    this.call.cancel();
  }
}

/** Nothing but a request id: no routes (a gateway always stamps its own), status, endpoint or docs. */
function isRequestIdOnly(response: DataRequest): boolean {
  const { header } = response;
  return (
    response.routes.length === 0 &&
    response.docs.length === 0 &&
    header.status === undefined &&
    header.execEndpoint === undefined &&
    Object.keys(response.parameters).length === 0
  );
}
