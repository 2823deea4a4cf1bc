import { status as grpcStatus } from '@grpc/grpc-js';
import { h2Error } from './h2-frames.ts';
import type { HeaderFields } from './h2-header-block.ts';

/** A call's outcome as gRPC states it: a status code (grpc.status) and its details. */
export interface GrpcStatus {
  code: number;
  details: string;
}

/** The name of a status code (`UNAVAILABLE`), as grpc-js's `grpc.status` spells it. */
export function grpcStatusName(code: number): string {
  return grpcStatus[code] ?? String(code);
}

/**
 * The status in response headers or trailers (`grpc-status`, `grpc-message`), or undefined
 * when they carry none. `grpc-message` is percent-encoded on the wire (gRPC over HTTP/2 spec).
 */
export function statusFromHeaders(headers: HeaderFields): GrpcStatus | undefined {
  const code = headers['grpc-status'];
  if (code === undefined) return undefined;
  const message = headers['grpc-message'] ?? '';
  let details = message;
  try {
    details = decodeURIComponent(message);
  } catch {
    // not percent-encoded after all: keep it as sent
  }
  return { code: Number(code), details };
}

/** A non-200 HTTP status without a gRPC status, mapped as grpc-js (and the gRPC spec) map it. */
export function statusFromHttpStatus(httpStatus: number): GrpcStatus {
  const details = `Received HTTP status code ${httpStatus}`;
  switch (httpStatus) {
    case 400:
      return { code: grpcStatus.INTERNAL, details };
    case 401:
      return { code: grpcStatus.UNAUTHENTICATED, details };
    case 403:
      return { code: grpcStatus.PERMISSION_DENIED, details };
    case 404:
      return { code: grpcStatus.UNIMPLEMENTED, details };
    case 429:
    case 502:
    case 503:
    case 504:
      return { code: grpcStatus.UNAVAILABLE, details };
    default:
      return { code: grpcStatus.UNKNOWN, details };
  }
}

/**
 * A stream that closed without a gRPC status: why, from its RST_STREAM code, as grpc-js
 * reports it. A dropped connection (`connectionError`) is UNAVAILABLE whatever code Node
 * synthesised for the stream.
 */
export function statusFromClosedStream(rstCode: number, httpStatus: number | undefined, connectionError: Error | undefined): GrpcStatus {
  if (connectionError) return { code: grpcStatus.UNAVAILABLE, details: connectionError.message };
  switch (rstCode) {
    case h2Error.noError:
      if (httpStatus !== undefined && httpStatus !== 200) return statusFromHttpStatus(httpStatus);
      return { code: grpcStatus.INTERNAL, details: `Received RST_STREAM with code ${rstCode} (Call ended without gRPC status)` };
    case h2Error.refusedStream:
      return { code: grpcStatus.UNAVAILABLE, details: 'Stream refused by server' };
    case h2Error.cancel:
      return { code: grpcStatus.CANCELLED, details: 'Call cancelled' };
    case h2Error.enhanceYourCalm:
      return { code: grpcStatus.RESOURCE_EXHAUSTED, details: 'Bandwidth exhausted or memory limit exceeded' };
    case h2Error.inadequateSecurity:
      return { code: grpcStatus.PERMISSION_DENIED, details: 'Protocol not secure enough' };
    default:
      return { code: grpcStatus.INTERNAL, details: `Received RST_STREAM with code ${rstCode}` };
  }
}
