import { STATUS_ERROR, type DataRequest } from '../../protocol/data-request.ts';
import { isExecutorUnavailable } from './gateway-handler.ts';

/**
 * What Jina's docarray-v1 HTTP gateway answers (with 503) when a deployment cannot be reached:
 * the request echoed with an ERROR header whose exception is the network error class, with no
 * executor named and the endpoint blanked (docs/jina-protocols-verified.md §1.2). The deployment
 * is named only inside the description, as Jina's is.
 */
export function networkErrorResponse(request: DataRequest, error: unknown): DataRequest {
  const description = error instanceof Error ? error.message : String(error);
  const name = isExecutorUnavailable(error) ? "<class 'jina.excepts.InternalNetworkError'>" : error instanceof Error ? error.name : 'Error';
  const stacks = error instanceof Error && error.stack ? error.stack.split('\n').map((line) => `${line}\n`) : [];
  return {
    ...request,
    header: {
      requestId: request.header.requestId,
      execEndpoint: '',
      targetExecutor: '',
      status: { code: STATUS_ERROR, description, exception: { name, args: [], stacks, executor: '' } },
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
