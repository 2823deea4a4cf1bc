import type { DataRequest, ExceptionInfo } from '../protocol/data-request.ts';
import type { DocarrayVersion, JinaDocument } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';

export type GatewayProtocol = 'grpc' | 'websocket' | 'http';

export interface GatewayTarget {
  host: string;
  port: number;
  protocol: GatewayProtocol;
  docarray: DocarrayVersion;
  tls?: boolean;
}

/** How long a client waits for a gateway to answer its connection when the options say nothing. */
export const defaultConnectTimeoutMs = 10_000;

export interface GatewayClientOptions {
  target: GatewayTarget;
  /** Requests in flight per client on the gRPC stream / WebSocket (default 1). */
  prefetch?: number;
  /** gRPC only: bidi stream `/jina.JinaRPC/Call` (default) or unary `process_single_data`. */
  grpcMode?: 'stream' | 'unary';
  /**
   * WebSocket only: `bytes` (default, protobuf frames; sent as a Sec-WebSocket-Protocol header,
   * which Jina never echoes) or `json` (docarray v1 only: Jina 3.34 drops JSON connections of
   * v2 Flows, so the client refuses that pair with CONFIG_INVALID).
   */
  websocketFraming?: 'bytes' | 'json';
  /**
   * gRPC only: let the clients of one thread to the same gateway share one HTTP/2 connection
   * (grpc-js's global subchannel pool), each on its own stream. Default false: each client
   * its own connection, as separate Jina clients have (see grpc-client.ts).
   */
  sharedConnection?: boolean;
  /** Per-request timeout; a request that takes longer yields `status: 'timeout'`. */
  requestTimeoutMs?: number;
  /**
   * How long `connect()` (and a WebSocket re-opened mid-phase) waits for the gateway to answer
   * (default `defaultConnectTimeoutMs`): a port that accepts TCP but never speaks the protocol
   * (a gateway still starting, another server) fails the step instead of hanging it.
   */
  connectTimeoutMs?: number;
  /**
   * Decode (protobuf) or convert (HTTP JSON) the documents of each response (default true;
   * WebSocket JSON framing always converts them). When false, `response.docs` is always empty, while header, parameters and
   * routes are read as usual: a load phase without a check never looks at the documents, and
   * decoding them was most of the client's cost with large requests. A malformed document then
   * goes unnoticed (a malformed header or route is still a `protocol-error`).
   */
  decodeDocs?: boolean;
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
  /**
   * The parameters as sent, pre-encoded with `encodeRequestParameters(parameters, target.docarray)`
   * (src/gateway/post-request-encoding): a load phase posts the same parameters many times.
   * Protobuf transports send these instead of encoding `parameters` again; JSON transports
   * ignore them. Must encode the same object as `parameters`.
   */
  encodedParameters?: Uint8Array;
  /**
   * Each document's JSON text as the HTTP client sends it (`JSON.stringify(documentToJson(doc,
   * docarray))`), pre-serialised by the load engine (JsonDocumentCache); protobuf transports
   * ignore them. Must serialise the same documents as `docs`.
   */
  jsonDocs?: readonly string[];
}

/** Client-side timing of one request, on the monotonic clock (`performance.now()`, ms). */
export interface RoundTrip {
  sentAtMs: number;
  roundTripMs: number;
}

/**
 * An error the gateway reported for one request. `executor` is the deployment when the
 * response says which one failed, else whatever Jina named.
 */
export interface PostError extends ExceptionInfo {
  description: string;
  /**
   * How `executor` is known: `deployment` — the deployment whose route carries the ERROR
   * status, or the one a network error's description names; `executor-class` — only Jina's
   * `exception.executor`, which is the executor's class (two deployments may share it);
   * `unknown` — the gateway named nobody (HTTP with docarray v2 answers only `{detail}`).
   */
  attributedTo: 'deployment' | 'executor-class' | 'unknown';
  /** Jina's `exception.executor` as sent: the executor's class name ('' when absent). */
  executorClass: string;
}

/**
 * The outcome of one request. Per-request failures are values, never thrown: the load
 * engine counts them by kind. Only misuse (post before connect) throws.
 * `routesUnavailable` is set (to the reason) when the transport never carries routes, so
 * per-executor times and the failing deployment cannot be known from the response
 * (HTTP with docarray v2); see `routesUnavailableReason`.
 */
export type PostResult =
  | ({ status: 'ok'; requestId: string; response: DataRequest; routesUnavailable?: string } & RoundTrip)
  | ({
      status: 'error-status';
      requestId: string;
      /** What came back; for HTTP 5xx/499 a synthesised DataRequest with the error status. */
      response: DataRequest;
      error: PostError;
      httpStatus?: number;
      routesUnavailable?: string;
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
