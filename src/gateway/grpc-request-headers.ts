import type http2 from 'node:http2';

const userAgent = 'jina-stress';

/**
 * The request headers of a gRPC call on `method` (gRPC over HTTP/2: POST, `application/grpc`,
 * `te: trailers`), built once per client and reused for every call. No `grpc-accept-encoding`:
 * answers must come uncompressed. With a timeout, `grpc-timeout` tells the server when the
 * client gives up, as grpc-js's deadline does.
 */
export function grpcRequestHeaders(method: string, timeoutMs?: number): http2.OutgoingHttpHeaders {
  const headers: http2.OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': method,
    'content-type': 'application/grpc',
    te: 'trailers',
    'user-agent': userAgent,
  };
  if (timeoutMs !== undefined) headers['grpc-timeout'] = grpcTimeout(timeoutMs);
  return headers;
}

/** `grpc-timeout`: at most 8 digits and a unit (m: milliseconds, S: seconds, M: minutes). */
function grpcTimeout(timeoutMs: number): string {
  const ms = Math.max(1, Math.ceil(timeoutMs));
  if (ms < 1e8) return `${ms}m`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 1e8 ? `${seconds}S` : `${Math.min(99_999_999, Math.ceil(seconds / 60))}M`;
}
