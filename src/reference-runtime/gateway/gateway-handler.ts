import { StressError } from '../../errors.ts';
import type { GatewayInfo, GatewayProtocol } from '../../gateway/gateway-client.ts';
import type { DataRequest, Status } from '../../protocol/data-request.ts';
import type { DocarrayVersion } from '../../protocol/document.ts';

/**
 * What a gateway server needs from the Flow behind it. The reference runtime implements it;
 * the servers in this folder only speak the wire protocols.
 *
 * `process` resolves with the response DataRequest: same `header.requestId`, the routes
 * stamped, and — when an executor raised — `header.status` ERROR with `exception.executor`
 * set, as Jina's gateway does (that is a response, not a thrown error). It rejects with
 * ExecutorUnavailableError when a deployment cannot be reached; each protocol maps that the
 * way Jina 3.34 does (docs/jina-protocols-verified.md §1.1-1.2, §1.9, §4):
 *
 * | protocol     | executor raised                     | `unavailable`                                        |
 * |--------------|-------------------------------------|------------------------------------------------------|
 * | HTTP v1      | 200, ERROR in header and route      | 503, the request echoed with an ERROR header         |
 * | HTTP v2      | 500 `{"detail": description}`       | 500 `text/plain` `Internal Server Error`             |
 * | WebSocket    | a response frame with ERROR         | close 1011, `Network error while connecting…`        |
 * | gRPC Call    | a response with ERROR, stream goes on | a request-id-only message, then the stream ends UNAVAILABLE |
 * | gRPC unary   | a response with ERROR               | status UNAVAILABLE                                   |
 */
export interface GatewayHandler {
  process(request: DataRequest): Promise<DataRequest>;
  /** Readiness of the whole Flow: code 0 (SUCCESS) when every executor answers. */
  dryRun(): Promise<Status>;
  /** What `/status` and `JinaInfoRPC/_status` report. */
  info(): GatewayInfo;
  /**
   * Executor endpoints (`/index`, `/search`, ...): HTTP v2 routes, OpenAPI, endpoint discovery.
   * Asking is discovering: a docarray-v1 Jina gateway skips executors that do not bind an
   * endpoint only once its endpoint discovery ran (verified live, see the Flow's routing).
   */
  endpoints(): string[];
}

export type UnavailableReason = 'unavailable' | 'deadline-exceeded';

/** Thrown by `GatewayHandler.process` when a deployment cannot be reached (or timed out). */
export class ExecutorUnavailableError extends StressError {
  readonly executor: string;
  readonly reason: UnavailableReason;

  constructor(executor: string, message: string, reason: UnavailableReason = 'unavailable') {
    super(reason === 'unavailable' ? 'GATEWAY_CONNECTION' : 'GATEWAY_TIMEOUT', message, {
      hint: `Executor ${executor} did not answer; check that its replicas are running.`,
      details: { executor, reason },
    });
    this.name = 'ExecutorUnavailableError';
    this.executor = executor;
    this.reason = reason;
  }
}

export function isExecutorUnavailable(error: unknown): error is ExecutorUnavailableError {
  return error instanceof ExecutorUnavailableError;
}

export interface GatewayServerOptions {
  protocol: GatewayProtocol;
  /** Default `127.0.0.1`. */
  host?: string;
  /** 0 picks a free port (reported back in `GatewayServer.port`). */
  port: number;
  docarray: DocarrayVersion;
  handler: GatewayHandler;
}

export interface GatewayServer {
  readonly protocol: GatewayProtocol;
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops open connections at once (requests in flight fail). */
  close(): Promise<void>;
}
