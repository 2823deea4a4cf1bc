import { encodeDocuments } from '../protocol/codec.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { ClientRequestTemplate, encodeStruct } from '../protocol/write-client-request.ts';
import type { PostRequest } from './gateway-client.ts';

export { newRequestId } from '../protocol/request-id.ts';

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
  return new PostRequestEncoder(docarray).encode(request, requestId);
}

/**
 * `encodePostRequest` for one client: keeps the template of the last endpoint, target
 * executor and pre-encoded parameters, which a load phase repeats on every request. Posts
 * without `encodedParameters` encode theirs each time (a parameters object may change
 * between posts; bytes handed over as `encodedParameters` are the caller's promise).
 */
export class PostRequestEncoder {
  private template: ClientRequestTemplate | undefined;

  /** `grpcFramed`: each request comes with gRPC's 5-byte message prefix (the gRPC client's streams). */
  constructor(
    private readonly docarray: DocarrayVersion,
    private readonly grpcFramed = false,
  ) {}

  encode(request: PostRequest, requestId: string): Buffer {
    const docs = request.encodedDocs ?? encodeDocuments(request.docs, this.docarray);
    return this.templateFor(request).write(requestId, docs, this.grpcFramed);
  }

  private templateFor(request: PostRequest): ClientRequestTemplate {
    const { endpoint, targetExecutor, encodedParameters } = request;
    const last = this.template;
    if (last && encodedParameters === last.parameters && endpoint === last.execEndpoint && targetExecutor === last.targetExecutor) return last;
    const parameters = encodedParameters ?? encodeRequestParameters(request.parameters, this.docarray);
    const template = new ClientRequestTemplate(
      targetExecutor === undefined ? { execEndpoint: endpoint, parameters } : { execEndpoint: endpoint, targetExecutor, parameters },
    );
    if (encodedParameters) this.template = template;
    return template;
  }
}
