import * as grpc from '@grpc/grpc-js';
import { StressError } from '../errors.ts';
import { decodeDataRequest, decodeJinaInfo, decodeStatus, emptyMessageBytes, type DecodeOptions } from '../protocol/codec.ts';
import { STATUS_SUCCESS } from '../protocol/data-request.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../protocol/grpc-methods.ts';
import type { DryRunResult, GatewayClient, GatewayClientOptions, GatewayInfo, GatewayTarget, PostRequest, PostResult } from './gateway-client.ts';
import { CallStream } from './grpc-call-stream.ts';
import { InFlightLimit } from './in-flight-limit.ts';
import { newRequestId, PostRequestEncoder } from './post-request-encoding.ts';
import { connectionErrorResult, errorStatusResult, protocolErrorResult, resultFromResponse, timeoutResult } from './post-result.ts';

const controlCallTimeoutMs = 10_000;
const passBytes = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const keepBuffer = (buffer: Buffer): Buffer => buffer;

/**
 * Each client on its own HTTP/2 connection, as `num_clients` separate Jina clients (the seed
 * ran them as separate processes) and real users would be — and as this project's WebSocket
 * and HTTP clients are. Without this option grpc-js shares one connection among all channels
 * of a thread with the same address and options (its global subchannel pool), so 16 clients
 * would be 16 streams on one connection: a different load for the gateway (one socket, one
 * HTTP/2 flow-control window, one reader), though cheaper for the generator (bench/load:
 * 11.6 vs 17.8 µs of CPU per message for bare grpc-js at 16 clients).
 */
const ownConnectionOptions = { ...jinaGrpcChannelOptions, 'grpc.use_local_subchannel_pool': 1 };

/** gRPC statuses that mean "the gateway could not be reached", as Jina's client reads them. */
const connectionStatuses = new Set([grpc.status.UNAVAILABLE, grpc.status.CANCELLED, grpc.status.NOT_FOUND]);
/** gRPC statuses that mean the two sides do not speak the same protocol. */
const protocolStatuses = new Set([grpc.status.UNIMPLEMENTED, grpc.status.RESOURCE_EXHAUSTED, grpc.status.INVALID_ARGUMENT]);

export function createGrpcClient(options: GatewayClientOptions): GatewayClient {
  return new GrpcGatewayClient(options);
}

class GrpcGatewayClient implements GatewayClient {
  readonly target: GatewayTarget;
  private client: grpc.Client | undefined;
  private stream: CallStream | undefined;
  private readonly limit: InFlightLimit;
  private readonly decodeOptions: DecodeOptions;
  private readonly encoder: PostRequestEncoder;
  private readonly releaseSlot = (): void => this.limit.release();

  constructor(private readonly options: GatewayClientOptions) {
    this.target = options.target;
    this.limit = new InFlightLimit(options.prefetch ?? 1);
    this.decodeOptions = { skipDocs: options.decodeDocs === false };
    this.encoder = new PostRequestEncoder(options.target.docarray);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.close();
    const { host, port, tls } = this.target;
    const credentials = tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    const client = new grpc.Client(`${host}:${port}`, credentials, this.options.sharedConnection ? jinaGrpcChannelOptions : ownConnectionOptions);
    try {
      await waitUntilReady(client.getChannel(), signal);
    } catch (error) {
      client.close();
      throw new StressError('GATEWAY_CONNECTION', `cannot connect to gRPC gateway ${host}:${port}: ${(error as Error).message}`, {
        hint: 'Is the Flow running, and does its gateway speak gRPC on this port?',
        cause: error,
      });
    }
    this.client = client;
  }

  post(request: PostRequest): Promise<PostResult> {
    // Not async: on the load generator's hot path, each promise and await is a visible cost.
    let client: grpc.Client;
    let requestId: string;
    let sentAtMs: number;
    let bytes: Buffer;
    try {
      client = this.requireClient();
      requestId = request.requestId ?? newRequestId();
      sentAtMs = performance.now();
      bytes = this.encoder.encode(request, requestId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.limit.tryAcquire()) return this.dispatch(client, requestId, bytes, sentAtMs);
    return this.limit.acquire().then(() => this.dispatch(client, requestId, bytes, sentAtMs));
  }

  /** Sends on the stream (or unary); the prefetch slot is released when the outcome is known. */
  private dispatch(client: grpc.Client, requestId: string, bytes: Buffer, sentAtMs: number): Promise<PostResult> {
    if (this.options.grpcMode === 'unary') return this.postUnary(client, requestId, bytes, sentAtMs);
    return this.openStream(client).send(requestId, bytes, sentAtMs);
  }

  private openStream(client: grpc.Client): CallStream {
    if (!this.stream || this.stream.isBroken) {
      this.stream = new CallStream(client, {
        docarray: this.target.docarray,
        decode: this.decodeOptions,
        timeoutMs: this.options.requestTimeoutMs,
        onSettled: this.releaseSlot,
        onBroken: (broken) => {
          if (this.stream === broken) this.stream = undefined;
        },
      });
    }
    return this.stream;
  }

  private postUnary(client: grpc.Client, requestId: string, bytes: Buffer, sentAtMs: number): Promise<PostResult> {
    const timeoutMs = this.options.requestTimeoutMs;
    const callOptions: grpc.CallOptions = timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs };
    return new Promise((resolve) => {
      client.makeUnaryRequest(jinaGrpcMethods.processSingleData, passBytes, keepBuffer, bytes, new grpc.Metadata(), callOptions, (error, buffer) => {
        this.limit.release();
        if (error) {
          resolve(unaryFailure(requestId, error, sentAtMs, timeoutMs));
          return;
        }
        try {
          resolve(resultFromResponse(requestId, decodeDataRequest(buffer ?? emptyMessageBytes, this.target.docarray, this.decodeOptions), sentAtMs));
        } catch (decodeError) {
          resolve(protocolErrorResult(requestId, (decodeError as Error).message, sentAtMs));
        }
      });
    });
  }

  async dryRun(): Promise<DryRunResult> {
    try {
      const status = decodeStatus(await this.unaryControl(jinaGrpcMethods.dryRun));
      return status.code === STATUS_SUCCESS ? { status: 'ready' } : { status: 'not-ready', reason: status.description || 'dry run failed' };
    } catch (error) {
      return { status: 'not-ready', reason: (error as Error).message };
    }
  }

  async info(): Promise<GatewayInfo> {
    try {
      return decodeJinaInfo(await this.unaryControl(jinaGrpcMethods.status));
    } catch (error) {
      throw new StressError('GATEWAY_CONNECTION', `gRPC ${jinaGrpcMethods.status} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private unaryControl(method: string): Promise<Buffer> {
    const client = this.requireClient();
    return new Promise((resolve, reject) => {
      const deadline = { deadline: Date.now() + controlCallTimeoutMs };
      client.makeUnaryRequest(method, passBytes, keepBuffer, emptyMessageBytes, new grpc.Metadata(), deadline, (error, buffer) =>
        error ? reject(error) : resolve(buffer ?? Buffer.alloc(0)),
      );
    });
  }

  async close(): Promise<void> {
    this.stream?.close();
    this.stream = undefined;
    this.client?.close();
    this.client = undefined;
  }

  private requireClient(): grpc.Client {
    if (!this.client) throw new StressError('INTERNAL', 'gRPC gateway client used before connect()', { hint: 'Await connect() first.' });
    return this.client;
  }
}

function unaryFailure(requestId: string, error: grpc.ServiceError, sentAtMs: number, timeoutMs: number | undefined): PostResult {
  const codeName = grpc.status[error.code] ?? String(error.code);
  if (error.code === grpc.status.DEADLINE_EXCEEDED && timeoutMs !== undefined) return timeoutResult(requestId, timeoutMs, sentAtMs);
  if (connectionStatuses.has(error.code) || error.code === grpc.status.DEADLINE_EXCEEDED) {
    return connectionErrorResult(requestId, error.details || error.message, sentAtMs, codeName);
  }
  if (protocolStatuses.has(error.code)) return protocolErrorResult(requestId, `${codeName}: ${error.details}`, sentAtMs);
  return errorStatusResult(requestId, { name: `grpc.${codeName}`, description: error.details || error.message }, sentAtMs);
}

/**
 * Resolves when the channel is READY; rejects as soon as it fails to connect (refused,
 * unresolvable) rather than retrying until a deadline, so a wrong port is reported at once.
 */
function waitUntilReady(channel: ReturnType<grpc.Client['getChannel']>, signal?: AbortSignal): Promise<void> {
  // grpc-js keeps no referenced handle while a channel connects: in a plain script (a bench,
  // a user's own `await runLoad()`), Node would exit mid-connect with code 13. This timer
  // holds the event loop open until the channel settles.
  const holdOpen = setInterval(() => undefined, 60_000);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const check = (): void => {
      if (signal?.aborted) return;
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      } else if (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.SHUTDOWN) {
        signal?.removeEventListener('abort', onAbort);
        reject(new Error(state === grpc.connectivityState.SHUTDOWN ? 'channel shut down' : 'connection failed (refused or unreachable)'));
      } else {
        channel.watchConnectivityState(state, Infinity, check);
      }
    };
    check();
  }).finally(() => clearInterval(holdOpen));
}
