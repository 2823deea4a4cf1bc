import { encodeDataRequestWithEncodedDocs, encodeDocuments } from '../protocol/codec';
import type { RequestHeader } from '../protocol/data-request';
import type { DocarrayVersion } from '../protocol/document';
import type { JsonObject } from '../protocol/json-value';
import type { PostRequest } from './gateway-client';

export { newRequestId } from '../protocol/request-id';

/** The header Jina's Python client sends: request id, endpoint, target executor if given. */
export function requestHeader(request: PostRequest, requestId: string): RequestHeader {
  const header: RequestHeader = { requestId, execEndpoint: request.endpoint };
  if (request.targetExecutor !== undefined) header.targetExecutor = request.targetExecutor;
  return header;
}

/**
 * The parameters Jina's Python client sends: the caller's as they are, or, when there are
 * none, the reserved `{__results__: {}}` (its `_include_results_field_in_param`; seen on the
 * wire, docs/jina-protocols-verified.md §1.10).
 */
export function requestParameters(request: PostRequest): JsonObject {
  const parameters = request.parameters;
  return parameters && Object.keys(parameters).length > 0 ? parameters : { __results__: {} };
}

/** DataRequestProto bytes for a post, reusing pre-encoded documents when given. */
export function encodePostRequest(request: PostRequest, requestId: string, docarray: DocarrayVersion): Uint8Array {
  const encodedDocs = request.encodedDocs ?? encodeDocuments(request.docs, docarray);
  return encodeDataRequestWithEncodedDocs(requestHeader(request, requestId), requestParameters(request), encodedDocs, docarray);
}
