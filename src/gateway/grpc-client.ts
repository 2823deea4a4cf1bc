import * as grpc from '@grpc/grpc-js';
import { StressError } from '../errors.ts';
import { decodeEndpoints, decodeJinaInfo, decodeStatus, emptyMessageBytes, type DecodeOptions, type EndpointsInfo } from '../protocol/codec.ts';
import { STATUS_SUCCESS } from '../protocol/data-request.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../protocol/grpc-methods.ts';
import { defaultConnectTimeoutMs, type DryRunResult, type GatewayClient, type GatewayClientOptions, type GatewayInfo, type GatewayTarget, type PostRequest, type PostResult } from './gateway-client.ts';
import { CallStream } from './grpc-call-stream.ts';
import { GrpcSessionHolder } from './grpc-session.ts';
import type { H2Connection } from './h2-connection.ts';
import { UnaryCalls } from './grpc-unary-calls.ts';
import { InFlightLimit } from './in-flight-limit.ts';
import { newRequestId, PostRequestEncoder } from './post-request-encoding.ts';

const controlCallTimeoutMs = 10_000;
const passBytes = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const keepBuffer = (buffer: Buffer): Buffer => buffer;

export function createGrpcClient(options: GatewayClientOptions): GatewayClient {
  return new GrpcGatewayClient(options);
}

/** A gRPC client with `endpoint_discovery` (src/gateway/endpoint-schemas.ts reads the schemas with it). */
export function createGrpcDiscoveryClient(options: GatewayClientOptions): GatewayClient & { endpoints(): Promise<EndpointsInfo> } {
  return new GrpcGatewayClient(options);
}

/**
 * gRPC client of a Jina gateway. Posts — the load generator's hot path — go over an HTTP/2
 * connection of our own (h2-connection.ts, held by grpc-session.ts): the `/jina.JinaRPC/Call` bidi stream
 * (CallStream) or unary `process_single_data` (UnaryCalls). Control calls (dry_run, _status)
 * go through grpc-js, where their cost does not matter, on a channel opened when first used.
 *
 * Each client has its own HTTP/2 connection, as `num_clients` separate Jina clients (the seed
 * ran them as separate processes) and real users would — and as this project's WebSocket and
 * HTTP clients do. `sharedConnection` puts the clients of a thread to the same gateway on one
 * connection, each on its own stream: cheaper for the generator (bench/load: 11.6 vs 17.8 µs
 * of CPU per message for bare grpc-js at 16 clients), but a different load for the gateway
 * (one socket, one flow-control window, one reader).
 */
class GrpcGatewayClient implements GatewayClient {
  readonly target: GatewayTarget;
  private sessions: GrpcSessionHolder | undefined;
  private control: grpc.Client | undefined;
  private stream: CallStream | undefined;
  private readonly unary: UnaryCalls;
  private readonly limit: InFlightLimit;
  private readonly decodeOptions: DecodeOptions;
  private readonly encoder: PostRequestEncoder;
  private readonly releaseSlot = (): void => this.limit.release();

  constructor(private readonly options: GatewayClientOptions) {
    this.target = options.target;
    this.limit = new InFlightLimit(options.prefetch ?? 1);
    this.decodeOptions = { skipDocs: options.decodeDocs === false };
    this.encoder = new PostRequestEncoder(options.target.docarray, true);
    this.unary = new UnaryCalls({
      target: options.target,
      docarray: options.target.docarray,
      decode: this.decodeOptions,
      timeoutMs: options.requestTimeoutMs,
      onSettled: this.releaseSlot,
    });
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.close();
    const { host, port } = this.target;
    const sessions = new GrpcSessionHolder(this.target, this.options.sharedConnection === true);
    // The connection is up on the gateway's first SETTINGS frame: a port that accepts TCP but
    // never speaks HTTP/2 would otherwise hold connect() for ever.
    const timeoutMs = this.options.connectTimeoutMs ?? defaultConnectTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      await whenConnected(sessions.current(), signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (caught) {
      sessions.release();
      const error = timeout.aborted && !signal?.aborted ? new Error(`no HTTP/2 answer (SETTINGS) within ${timeoutMs} ms`) : (caught as Error);
      throw new StressError('GATEWAY_CONNECTION', `cannot connect to gRPC gateway ${host}:${port}: ${error.message}`, {
        hint: 'Is the Flow running, and does its gateway speak gRPC on this port?',
        cause: error,
      });
    }
    this.sessions = sessions;
  }

  post(request: PostRequest): Promise<PostResult> {
    // Not async: on the load generator's hot path, each promise and await is a visible cost.
    let sessions: GrpcSessionHolder;
    let requestId: string;
    let sentAtMs: number;
    let bytes: Buffer;
    try {
      sessions = this.requireSessions();
      requestId = request.requestId ?? newRequestId();
      sentAtMs = performance.now();
      bytes = this.encoder.encode(request, requestId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.limit.tryAcquire()) return this.dispatch(sessions, requestId, bytes, sentAtMs);
    return this.limit.acquire().then(() => this.dispatch(sessions, requestId, bytes, sentAtMs));
  }

  /** Sends on the stream (or unary); the prefetch slot is released when the outcome is known. */
  private dispatch(sessions: GrpcSessionHolder, requestId: string, bytes: Buffer, sentAtMs: number): Promise<PostResult> {
    if (this.options.grpcMode === 'unary') return this.unary.send(sessions.current(), requestId, bytes, sentAtMs);
    return this.openStream(sessions).send(requestId, bytes, sentAtMs);
  }

  private openStream(sessions: GrpcSessionHolder): CallStream {
    if (!this.stream || this.stream.isBroken) {
      this.stream = new CallStream(sessions.current(), {
        target: this.target,
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

  /** `endpoint_discovery` (docarray v2 gateways): endpoints and their JSON schemas. Not part of GatewayClient: only gRPC has it. */
  async endpoints(): Promise<EndpointsInfo> {
    try {
      return decodeEndpoints(await this.unaryControl(jinaGrpcMethods.endpointDiscovery));
    } catch (error) {
      throw new StressError('GATEWAY_CONNECTION', `gRPC ${jinaGrpcMethods.endpointDiscovery} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private unaryControl(method: string): Promise<Buffer> {
    this.requireSessions();
    const { host, port, tls } = this.target;
    this.control ??= new grpc.Client(`${host}:${port}`, tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure(), jinaGrpcChannelOptions);
    const client = this.control;
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
    this.unary.close('gRPC client closed');
    this.sessions?.release();
    this.sessions = undefined;
    this.control?.close();
    this.control = undefined;
  }

  private requireSessions(): GrpcSessionHolder {
    if (!this.sessions) throw new StressError('INTERNAL', 'gRPC gateway client used before connect()', { hint: 'Await connect() first.' });
    return this.sessions;
  }
}

/**
 * Resolves when the connection is up; rejects as soon as it fails (refused, unresolvable)
 * rather than retrying until a deadline, so a wrong port is reported at once.
 */
function whenConnected(connection: H2Connection, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    connection.connected.then(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
