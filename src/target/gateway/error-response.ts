import { STATUS_ERROR, type DataRequest } from '../../protocol/data-request';
import { isExecutorUnavailable } from './gateway-handler';

/**
 * The response Jina's gateway gives when it could not process a request: the request echoed
 * back with `header.status` ERROR, the description, and the executor when known.
 */
export function errorResponse(request: DataRequest, error: unknown): DataRequest {
  const description = error instanceof Error ? error.message : String(error);
  const name = isExecutorUnavailable(error) ? 'InternalNetworkError' : error instanceof Error ? error.name : 'Error';
  const executor = isExecutorUnavailable(error) ? error.executor : '';
  const stacks = error instanceof Error && error.stack ? error.stack.split('\n') : [];
  return {
    ...request,
    header: {
      ...request.header,
      status: { code: STATUS_ERROR, description, exception: { name, args: [description], stacks, executor } },
    },
  };
}

/** Error text for places that cap its length: WebSocket close reasons hold at most 123 bytes. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= maxBytes) return text;
  // Cut on a character boundary: drop continuation bytes (10xxxxxx) at the cut.
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
