import type { DataRequest, ExceptionInfo } from '../protocol/data-request';
import type { DocarrayVersion, JinaDocument } from '../protocol/document';
import type { JsonObject } from '../protocol/json-value';

export type GatewayProtocol = 'grpc' | 'websocket' | 'http';

export interface GatewayTarget {
  host: string;
  port: number;
  protocol: GatewayProtocol;
  docarray: DocarrayVersion;
  tls?: boolean;
}

export interface GatewayClientOptions {
  target: GatewayTarget;
  /** Requests in flight per client on the gRPC stream / WebSocket (default 1). */
  prefetch?: number;
  /** gRPC only: bidi stream `/jina.JinaRPC/Call` (default) or unary `process_single_data`. */
  grpcMode?: 'stream' | 'unary';
  /** WebSocket only: subprotocol `bytes` (default, protobuf frames) or `json`. */
  websocketFraming?: 'bytes' | 'json';
  /** Per-request timeout; a request that takes longer yields `status: 'timeout'`. */
  requestTimeoutMs?: number;
}

export interface PostRequest {
  /** Executor endpoint, e.g. `/index`, `/search`. */
  endpoint: string;
  docs: JinaDocument[];
  parameters?: JsonObject;
  targetExecutor?: string;
  /** Generated (uuid hex, like Jina's client) when absent. */
  requestId?: string;
  /**
   * `docs` pre-encoded with `encodeDocuments(docs, target.docarray)` (src/protocol/codec).
   * Protobuf transports (gRPC, WebSocket bytes) send these instead of encoding `docs` again;
   * JSON transports ignore them. Must encode the same documents as `docs`.
   */
  encodedDocs?: readonly Uint8Array[];
}

/** Client-side timing of one request, on the monotonic clock (`performance.now()`, ms). */
export interface RoundTrip {
  sentAtMs: number;
  roundTripMs: number;
}

/**
 * The outcome of one request. Per-request failures are values, never thrown: the load
 * engine counts them by kind. Only misuse (post before connect) throws.
 */
export type PostResult =
  | ({ status: 'ok'; requestId: string; response: DataRequest } & RoundTrip)
  | ({
      status: 'error-status';
      requestId: string;
      /** What came back; for HTTP 5xx/499 a synthesised DataRequest with the error status. */
      response: DataRequest;
      /** The exception as reported by the gateway; `executor` names who raised. */
      error: ExceptionInfo & { description: string };
      httpStatus?: number;
    } & RoundTrip)
  | ({ status: 'connection-error'; requestId: string; message: string; code?: string } & RoundTrip)
  | ({ status: 'timeout'; requestId: string; timeoutMs: number } & RoundTrip)
  | ({ status: 'protocol-error'; requestId: string; message: string } & RoundTrip);

export type DryRunResult =
  | { status: 'ready' }
  | { status: 'not-ready'; reason: string };

export interface GatewayInfo {
  jina: Record<string, string>;
  envs: Record<string, string>;
}

export interface GatewayClient {
  readonly target: GatewayTarget;
  /** Opens the channel/connection; rejects with StressError GATEWAY_CONNECTION. */
  connect(signal?: AbortSignal): Promise<void>;
  post(request: PostRequest): Promise<PostResult>;
  dryRun(): Promise<DryRunResult>;
  info(): Promise<GatewayInfo>;
  close(): Promise<void>;
}

export type GatewayClientFactory = (options: GatewayClientOptions) => GatewayClient;
