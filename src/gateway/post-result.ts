import { STATUS_ERROR, type DataRequest } from '../protocol/data-request';
import type { PostResult, RoundTrip } from './gateway-client';

/** Builders of PostResult variants, so every transport reports outcomes the same way. */

export function roundTripSince(sentAtMs: number): RoundTrip {
  return { sentAtMs, roundTripMs: performance.now() - sentAtMs };
}

/** `ok`, or `error-status` when the response header carries ERROR (executor raised). */
export function resultFromResponse(requestId: string, response: DataRequest, sentAtMs: number, httpStatus?: number): PostResult {
  const timing = roundTripSince(sentAtMs);
  const status = response.header.status;
  if (!status || status.code !== STATUS_ERROR) return { status: 'ok', requestId, response, ...timing };
  const exception = status.exception ?? { name: '', args: [], stacks: [], executor: '' };
  const result: PostResult = {
    status: 'error-status',
    requestId,
    response,
    error: { ...exception, description: status.description },
    ...timing,
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
  const exception = { name: error.name, args: [error.description], stacks: [], executor: error.executor ?? '' };
  const response: DataRequest = {
    header: { requestId, status: { code: STATUS_ERROR, description: error.description, exception } },
    parameters: {},
    routes: [],
    docs: [],
  };
  const result: PostResult = { status: 'error-status', requestId, response, error: { ...exception, description: error.description }, ...roundTripSince(sentAtMs) };
  if (httpStatus !== undefined) result.httpStatus = httpStatus;
  return result;
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
