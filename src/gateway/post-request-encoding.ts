import { encodeDocuments } from '../protocol/codec';
import type { DocarrayVersion } from '../protocol/document';
import type { JsonObject } from '../protocol/json-value';
import { encodeStruct, writeClientRequest } from '../protocol/write-client-request';
import type { PostRequest } from './gateway-client';

export { newRequestId } from '../protocol/request-id';

/**
 * The parameters Jina's Python client sends: the caller's as they are, or, when there are
 * none, the reserved `{__results__: {}}` (its `_include_results_field_in_param`; seen on the
 * wire, docs/jina-protocols-verified.md §1.10).
 */
export function requestParameters(request: Pick<PostRequest, 'parameters'>): JsonObject {
  const parameters = request.parameters;
  return parameters && Object.keys(parameters).length > 0 ? parameters : { __results__: {} };
}

/** `PostRequest.encodedParameters` for these parameters: the Struct bytes a post sends. */
export function encodeRequestParameters(parameters: JsonObject | undefined, docarray: DocarrayVersion): Uint8Array {
  return encodeStruct(requestParameters({ parameters }), docarray);
}

/**
 * DataRequestProto bytes for a post, reusing pre-encoded documents and parameters when given.
 * Written by hand (src/protocol/write-client-request.ts), the same bytes reflection writes.
 */
export function encodePostRequest(request: PostRequest, requestId: string, docarray: DocarrayVersion): Buffer {
  const parts = {
    requestId,
    execEndpoint: request.endpoint,
    parameters: request.encodedParameters ?? encodeRequestParameters(request.parameters, docarray),
    docs: request.encodedDocs ?? encodeDocuments(request.docs, docarray),
  };
  return writeClientRequest(request.targetExecutor === undefined ? parts : { ...parts, targetExecutor: request.targetExecutor });
}
