import http from 'node:http';
import https from 'node:https';
import { StressError } from '../errors.ts';
import { STATUS_ERROR } from '../protocol/data-request.ts';
import { dataRequestFromJson } from '../protocol/data-request-json.ts';
import { defaultConnectTimeoutMs, type DryRunResult, type GatewayClient, type GatewayClientOptions, type GatewayInfo, type GatewayTarget, type PostRequest, type PostResult } from './gateway-client.ts';
import { httpDryRun, httpInfo } from './http-control-calls.ts';
import { HttpTimeoutError, requestJson, type HttpJsonResponse } from './http-json-request.ts';
import { httpRequestHead, HttpPostSocket } from './http-post-socket.ts';
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
 * HTTP client: posts on up to `prefetch` keep-alive connections of its own (HttpPostSocket,
 * the load generator's path), `GET /`, dry run and info on a node:http agent. A 200 whose header carries
 * ERROR and the statuses above are `error-status` (with httpStatus; for v2 the executor is
 * unknown: its 500 names only the exception); refused/reset sockets are `connection-error`;
 * the per-request timeout is `timeout`; other statuses (404 no such endpoint, 422 bad body)
 * and unparsable 200 bodies are `protocol-error`. With docarray v2 every ok/error result
 * carries `routesUnavailable`: that model has no routes.
 */
export function createHttpClient(options: GatewayClientOptions): GatewayClient {
  return new HttpGatewayClient(options);
}

interface Exchange {
  socket: HttpPostSocket;
  requestId: string;
  sentAtMs: number;
  /** `performance.now()` clock; Infinity: no timeout. */
  deadlineMs: number;
  isTimedOut: boolean;
}

class HttpGatewayClient implements GatewayClient {
  readonly target: GatewayTarget;
  private readonly agent: http.Agent;
  private readonly limit: InFlightLimit;
  private isConnected = false;
  private readonly routesUnavailable: string | undefined;
  /** Keep-alive connections between posts (at most `prefetch`: the limit bounds them). */
  private readonly idle: HttpPostSocket[] = [];
  /** Exchanges with a deadline, oldest first. */
  private readonly inFlight = new Set<Exchange>();
  private timer: NodeJS.Timeout | undefined;
  private readonly decodeOptions: { skipDocs: boolean };

  constructor(private readonly options: GatewayClientOptions) {
    this.target = options.target;
    const prefetch = options.prefetch ?? 1;
    const agentOptions = { keepAlive: true, maxSockets: prefetch };
    this.agent = this.target.tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.limit = new InFlightLimit(prefetch);
    this.routesUnavailable = routesUnavailableReason(this.target);
    this.decodeOptions = { skipDocs: options.decodeDocs === false };
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    try {
      const response = await requestJson({ ...this.endpoint(), method: 'GET', path: '/', timeoutMs: this.options.connectTimeoutMs ?? defaultConnectTimeoutMs });
      if (response.statusCode >= 500) throw new Error(`GET / answered HTTP ${response.statusCode}`);
    } catch (error) {
      throw new StressError('GATEWAY_CONNECTION', `cannot reach HTTP gateway ${this.target.host}:${this.target.port}: ${(error as Error).message}`, {
        hint: 'Is the Flow running with protocol http on this port?',
        cause: error,
      });
    }
    this.isConnected = true;
  }

  post(request: PostRequest): Promise<PostResult> {
    // Not async, no await on the common path (a slot free): each promise and await showed in
    // the load generator's profile, as they did for the gRPC and WebSocket clients.
    let requestId: string;
    let sentAtMs: number;
    let text: string;
    try {
      if (!this.isConnected) throw new StressError('INTERNAL', 'HTTP gateway client used before connect()', { hint: 'Await connect() first.' });
      requestId = request.requestId ?? newRequestId();
      sentAtMs = performance.now();
      const { path, body } = httpPost(request, requestId, this.target.docarray);
      text = httpRequestHead(this.target, 'POST', path, Buffer.byteLength(body)) + body;
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.limit.tryAcquire()) return this.send(requestId, text, sentAtMs);
    return this.limit.acquire().then(() => this.send(requestId, text, sentAtMs));
  }

  /** Holds a prefetch slot: released when the outcome is known. */
  private send(requestId: string, text: string, sentAtMs: number): Promise<PostResult> {
    return new Promise<PostResult>((resolve) => {
      let socket = this.idle.pop();
      while (socket && !socket.isReusable) socket = this.idle.pop();
      socket ??= new HttpPostSocket(this.target);
      const exchange: Exchange = { socket, requestId, sentAtMs, deadlineMs: Infinity, isTimedOut: false };
      const timeoutMs = this.options.requestTimeoutMs;
      if (timeoutMs !== undefined) {
        // One timer per client for the oldest exchange (same timeout for all, so insertion
        // order is deadline order), as the gRPC and WebSocket clients do.
        exchange.deadlineMs = sentAtMs + timeoutMs;
        this.inFlight.add(exchange);
        if (this.timer === undefined) this.armTimer(timeoutMs);
      }
      socket.exchange(text, (error, answer) => {
        this.inFlight.delete(exchange);
        this.limit.release();
        if (exchange.socket.isReusable && this.isConnected) this.idle.push(exchange.socket);
        if (exchange.isTimedOut) resolve(timeoutResult(requestId, timeoutMs!, sentAtMs));
        else if (error) resolve(connectionErrorResult(requestId, error.message, sentAtMs, error.code));
        else resolve(this.answered(requestId, answer!, sentAtMs));
      });
    });
  }

  private armTimer(delayMs: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(delayMs)));
  }

  /** Times out every exchange past its deadline (its socket is destroyed), then re-arms for the oldest left. */
  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const exchange of this.inFlight) {
      if (exchange.deadlineMs > now) {
        this.armTimer(exchange.deadlineMs - now);
        return;
      }
      this.inFlight.delete(exchange);
      exchange.isTimedOut = true;
      exchange.socket.destroy(new HttpTimeoutError(this.options.requestTimeoutMs!));
    }
  }

  private answered(requestId: string, response: HttpJsonResponse, sentAtMs: number): PostResult {
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
      const dataRequest = dataRequestFromJson(json, this.target.docarray, this.decodeOptions);
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
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const socket of this.idle.splice(0)) socket.destroy();
    for (const exchange of [...this.inFlight]) exchange.socket.destroy(Object.assign(new Error('HTTP client closed'), { code: 'CLIENT_CLOSED' }));
    this.agent.destroy();
  }

  private endpoint() {
    return { host: this.target.host, port: this.target.port, tls: this.target.tls, agent: this.agent };
  }
}
