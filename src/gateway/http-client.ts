import http from 'node:http';
import https from 'node:https';
import { StressError } from '../errors.ts';
import { STATUS_ERROR } from '../protocol/data-request.ts';
import { dataRequestFromJson } from '../protocol/data-request-json.ts';
import type { DryRunResult, GatewayClient, GatewayClientOptions, GatewayInfo, GatewayTarget, PostRequest, PostResult } from './gateway-client.ts';
import { httpDryRun, httpInfo } from './http-control-calls.ts';
import { HttpTimeoutError, requestJson, type HttpJsonResponse } from './http-json-request.ts';
import { httpPost } from './http-request-body.ts';
import { InFlightLimit } from './in-flight-limit.ts';
import { newRequestId } from './post-request-encoding.ts';
import {
  connectionErrorResult,
  errorStatusResult,
  exceptionNameFromRepr,
  protocolErrorResult,
  resultFromResponse,
  routesUnavailableReason,
  timeoutResult,
} from './post-result.ts';

/**
 * Statuses Jina's HTTP gateway answers for a failed request (docs/jina-protocols-verified.md
 * §1.1-1.2, §3): v1 503 (deployment down, request echoed with an ERROR header); v2 500
 * (`{"detail": description}` when an executor raised, plain `Internal Server Error` when a
 * deployment is down); 499 for SSE endpoints; 504 a gateway timeout.
 */
const errorStatusCodes = new Set([499, 500, 503, 504]);

/**
 * HTTP client over a keep-alive agent with `prefetch` sockets. A 200 whose header carries
 * ERROR and the statuses above are `error-status` (with httpStatus; for v2 the executor is
 * unknown: its 500 names only the exception); refused/reset sockets are `connection-error`;
 * the per-request timeout is `timeout`; other statuses (404 no such endpoint, 422 bad body)
 * and unparsable 200 bodies are `protocol-error`. With docarray v2 every ok/error result
 * carries `routesUnavailable`: that model has no routes.
 */
export function createHttpClient(options: GatewayClientOptions): GatewayClient {
  return new HttpGatewayClient(options);
}

class HttpGatewayClient implements GatewayClient {
  readonly target: GatewayTarget;
  private readonly agent: http.Agent;
  private readonly limit: InFlightLimit;
  private isConnected = false;
  private readonly routesUnavailable: string | undefined;

  constructor(private readonly options: GatewayClientOptions) {
    this.target = options.target;
    const prefetch = options.prefetch ?? 1;
    const agentOptions = { keepAlive: true, maxSockets: prefetch };
    this.agent = this.target.tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.limit = new InFlightLimit(prefetch);
    this.routesUnavailable = routesUnavailableReason(this.target);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    try {
      const response = await requestJson({ ...this.endpoint(), method: 'GET', path: '/', timeoutMs: 10_000 });
      if (response.statusCode >= 500) throw new Error(`GET / answered HTTP ${response.statusCode}`);
    } catch (error) {
      throw new StressError('GATEWAY_CONNECTION', `cannot reach HTTP gateway ${this.target.host}:${this.target.port}: ${(error as Error).message}`, {
        hint: 'Is the Flow running with protocol http on this port?',
        cause: error,
      });
    }
    this.isConnected = true;
  }

  async post(request: PostRequest): Promise<PostResult> {
    if (!this.isConnected) throw new StressError('INTERNAL', 'HTTP gateway client used before connect()', { hint: 'Await connect() first.' });
    const requestId = request.requestId ?? newRequestId();
    const sentAtMs = performance.now();
    const { path, body } = httpPost(request, requestId, this.target.docarray);
    await this.limit.acquire();
    let response: HttpJsonResponse;
    try {
      response = await requestJson({ ...this.endpoint(), method: 'POST', path, body, timeoutMs: this.options.requestTimeoutMs });
    } catch (error) {
      if (error instanceof HttpTimeoutError) return timeoutResult(requestId, error.timeoutMs, sentAtMs);
      const code = (error as NodeJS.ErrnoException).code;
      return connectionErrorResult(requestId, (error as Error).message, sentAtMs, code);
    } finally {
      this.limit.release();
    }
    const result = this.interpret(requestId, response, sentAtMs);
    if (this.routesUnavailable !== undefined && (result.status === 'ok' || result.status === 'error-status')) {
      result.routesUnavailable = this.routesUnavailable;
    }
    return result;
  }

  private interpret(requestId: string, response: HttpJsonResponse, sentAtMs: number): PostResult {
    const { statusCode } = response;
    if (statusCode !== 200 && !errorStatusCodes.has(statusCode)) {
      return protocolErrorResult(requestId, `HTTP ${statusCode}: ${response.body.slice(0, 200)}`, sentAtMs);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      if (statusCode === 200) return protocolErrorResult(requestId, `HTTP 200 with a body that is not JSON: ${response.body.slice(0, 200)}`, sentAtMs);
      return errorStatusResult(requestId, { name: `HTTP ${statusCode}`, description: response.body.slice(0, 500) }, sentAtMs, statusCode);
    }
    try {
      const dataRequest = dataRequestFromJson(json, this.target.docarray);
      if (statusCode === 200 || dataRequest.header.status?.code === STATUS_ERROR) {
        return resultFromResponse(requestId, dataRequest, sentAtMs, statusCode);
      }
    } catch (error) {
      if (statusCode === 200) return protocolErrorResult(requestId, (error as Error).message, sentAtMs);
    }
    // An error body without a DataRequest header: FastAPI's `{detail}`, for an executor that
    // raised the exception's repr (`StressFailure('…')`), from which the name is read.
    const detail = typeof json.detail === 'string' ? json.detail : JSON.stringify(json).slice(0, 500);
    const name = (typeof json.detail === 'string' && exceptionNameFromRepr(json.detail)) || `HTTP ${statusCode}`;
    return errorStatusResult(requestId, { name, description: detail }, sentAtMs, statusCode);
  }

  dryRun(): Promise<DryRunResult> {
    return httpDryRun(this.target, this.agent);
  }

  info(): Promise<GatewayInfo> {
    return httpInfo(this.target, this.agent);
  }

  async close(): Promise<void> {
    this.isConnected = false;
    this.agent.destroy();
  }

  private endpoint() {
    return { host: this.target.host, port: this.target.port, tls: this.target.tls, agent: this.agent };
  }
}
