import type { GatewayTarget } from './gateway-client.ts';
import { encodeHeaderBlock } from './h2-header-block.ts';

const userAgent = 'jina-stress';

/**
 * The request header block of a gRPC call on `method` (gRPC over HTTP/2: POST,
 * `application/grpc`, `te: trailers`), HPACK-encoded once per client and sent as is on every
 * call. No `grpc-accept-encoding`: answers must come uncompressed. With a timeout,
 * `grpc-timeout` tells the server when the client gives up, as grpc-js's deadline does.
 */
export function grpcRequestHeaderBlock(target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>, method: string, timeoutMs?: number): Buffer {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const fields: Array<[string, string]> = [
    [':method', 'POST'],
    [':scheme', target.tls ? 'https' : 'http'],
    [':path', method],
    [':authority', `${host}:${target.port}`],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
    ['user-agent', userAgent],
  ];
  if (timeoutMs !== undefined) fields.push(['grpc-timeout', grpcTimeout(timeoutMs)]);
  return encodeHeaderBlock(fields);
}

/** `grpc-timeout`: at most 8 digits and a unit (m: milliseconds, S: seconds, M: minutes). */
function grpcTimeout(timeoutMs: number): string {
  const ms = Math.max(1, Math.ceil(timeoutMs));
  if (ms < 1e8) return `${ms}m`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 1e8 ? `${seconds}S` : `${Math.min(99_999_999, Math.ceil(seconds / 60))}M`;
}
