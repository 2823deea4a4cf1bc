import { describe, expect, it } from 'vitest';
import type { PostRequest } from '../../src/gateway/gateway-client.ts';
import { httpPost } from '../../src/gateway/http-request-body.ts';
import { requestParameters } from '../../src/gateway/post-request-encoding.ts';
import { JsonDocumentCache } from '../../src/load/encoded-document-cache.ts';
import { documentToJson } from '../../src/protocol/document-json.ts';
import type { DocarrayVersion } from '../../src/protocol/document.ts';
import { createTensor } from '../../src/protocol/tensor.ts';

/**
 * The HTTP body is joined from its parts' JSON (documents pre-serialised by the load engine):
 * it must be the very text `JSON.stringify` wrote for the whole request object before,
 * key for key, with and without the engine's pre-serialised documents.
 */
const docs = [
  { id: 'a', text: 'one "quoted" \u2028 line', tags: { k: [1, null, { n: 'x' }] } },
  { id: 'b', embedding: createTensor(new Float32Array([0.5, -1.25])), tensor: createTensor(new Uint8Array([1, 2, 3]), { shape: [1, 3] }) },
];

function reference(request: PostRequest, requestId: string, docarray: DocarrayVersion): string {
  const data = request.docs.map((doc) => documentToJson(doc, docarray));
  const parameters = requestParameters(request);
  if (docarray === 'v1') {
    const body: Record<string, unknown> = { execEndpoint: request.endpoint, data, parameters };
    if (request.targetExecutor !== undefined) body.targetExecutor = request.targetExecutor;
    return JSON.stringify(body);
  }
  const header: Record<string, unknown> = { request_id: requestId };
  if (request.targetExecutor !== undefined) header.target_executor = request.targetExecutor;
  return JSON.stringify({ data, parameters, header });
}

const cases = (['v1', 'v2'] as const).flatMap((docarray) =>
  [
    { endpoint: '/index', docs },
    { endpoint: 'search', docs, targetExecutor: 'enc"*', parameters: { top_k: 3, nested: { a: [true] } } },
    { endpoint: '/index', docs: [] },
  ].map((request) => ({ docarray, request: request as PostRequest })),
);

describe('HTTP post body', () => {
  it.each(cases)('docarray $docarray, $request.endpoint: the same text as JSON.stringify of the request object', ({ docarray, request }) => {
    const expected = reference(request, 'rid-1', docarray);
    expect(httpPost(request, 'rid-1', docarray).body).toBe(expected);
    const jsonDocs = new JsonDocumentCache(docarray).serialise(request.docs);
    expect(httpPost({ ...request, jsonDocs }, 'rid-1', docarray).body).toBe(expected);
    expect(JSON.parse(expected)).toBeTypeOf('object');
  });
});
