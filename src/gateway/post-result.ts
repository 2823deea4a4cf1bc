import { STATUS_ERROR, type DataRequest, type ExceptionInfo, type Route } from '../protocol/data-request.ts';
import type { GatewayTarget, PostError, PostResult, RoundTrip } from './gateway-client.ts';

/** Builders of PostResult variants, so every transport reports outcomes the same way. */

export function roundTripSince(sentAtMs: number): RoundTrip {
  return { sentAtMs, roundTripMs: performance.now() - sentAtMs };
}

/**
 * Why a target's responses carry no routes, or undefined when they do: Jina's docarray-v2
 * HTTP model has no `routes` (docs/jina-protocols-verified.md §1.3), so neither per-executor
 * times nor the failing deployment can be read from it.
 */
export function routesUnavailableReason(target: Pick<GatewayTarget, 'protocol' | 'docarray'>): string | undefined {
  return target.protocol === 'http' && target.docarray === 'v2' ? 'routes not available over HTTP with docarray v2' : undefined;
}

/** `ok`, or `error-status` when the response header carries ERROR (executor raised). */
export function resultFromResponse(requestId: string, response: DataRequest, sentAtMs: number, httpStatus?: number): PostResult {
  const roundTripMs = performance.now() - sentAtMs;
  const status = response.header.status;
  // Fields written out, not spread: this is once per response on the load generator's path.
  if (!status || status.code !== STATUS_ERROR) return { status: 'ok', requestId, response, sentAtMs, roundTripMs };
  const exception = status.exception ?? { name: '', args: [], stacks: [], executor: '' };
  const result: PostResult = {
    status: 'error-status',
    requestId,
    response,
    error: attributeError(exception, status.description, response.routes),
    sentAtMs,
    roundTripMs,
  };
  if (httpStatus !== undefined) result.httpStatus = httpStatus;
  return result;
}

/** An error reported outside a DataRequest (HTTP 5xx text, gRPC status): synthesise one. */
export function errorStatusResult(
  requestId: string,
  error: { name: string; description: string; executor?: string },
  sentAtMs: number,
  httpStatus?: number,
): PostResult {
  const exception: ExceptionInfo = { name: error.name, args: [error.description], stacks: [], executor: error.executor ?? '' };
  const response: DataRequest = {
    header: { requestId, status: { code: STATUS_ERROR, description: error.description, exception } },
    parameters: {},
    routes: [],
    docs: [],
  };
  const result: PostResult = {
    status: 'error-status',
    requestId,
    response,
    error: attributeError(exception, error.description, []),
    ...roundTripSince(sentAtMs),
  };
  if (httpStatus !== undefined) result.httpStatus = httpStatus;
  return result;
}

/**
 * Names who failed, best source first: the deployment whose route carries ERROR (Jina's
 * `exception.executor` is only the class name, §1.7), then a deployment named in a network
 * error's description (`…Communication error with deployment <name> at address(es)…`), then
 * the class name. Python class reprs (`<class 'jina.excepts.InternalNetworkError'>`, HTTP v1)
 * are shortened to the class name, as the other protocols report it.
 */
export function attributeError(exception: ExceptionInfo, description: string, routes: readonly Route[]): PostError {
  const name = exception.name.replace(/^<class '(?:[\w]+\.)*(\w+)'>$/, '$1');
  const base = { ...exception, name, description, executorClass: exception.executor };
  const deployment = failingRoute(routes) ?? deploymentInDescription(description);
  if (deployment !== undefined) return { ...base, executor: deployment, attributedTo: 'deployment' };
  if (exception.executor) return { ...base, attributedTo: 'executor-class' };
  return { ...base, executor: '', attributedTo: 'unknown' };
}

function failingRoute(routes: readonly Route[]): string | undefined {
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.executor !== 'gateway' && route.status?.code === STATUS_ERROR) return route.executor;
  }
  return undefined;
}

const unreachableDeployment = /Communication error with deployment (\S+) at address/;

export function deploymentInDescription(description: string): string | undefined {
  return unreachableDeployment.exec(description)?.[1];
}

/** Exception name from a Python repr such as `StressFailure('…')` (HTTP v2's `detail`). */
export function exceptionNameFromRepr(repr: string): string | undefined {
  return /^([A-Za-z_][\w.]*)\(/.exec(repr)?.[1];
}

export function connectionErrorResult(requestId: string, message: string, sentAtMs: number, code?: string): PostResult {
  const result: PostResult = { status: 'connection-error', requestId, message, ...roundTripSince(sentAtMs) };
  if (code !== undefined) result.code = code;
  return result;
}

export function timeoutResult(requestId: string, timeoutMs: number, sentAtMs: number): PostResult {
  return { status: 'timeout', requestId, timeoutMs, ...roundTripSince(sentAtMs) };
}

export function protocolErrorResult(requestId: string, message: string, sentAtMs: number): PostResult {
  return { status: 'protocol-error', requestId, message, ...roundTripSince(sentAtMs) };
}
