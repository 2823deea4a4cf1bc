import { expect, test } from 'vitest';
import type { PostRequest } from '../../src/gateway/gateway-client.ts';
import { encodeRequestParameters, PostRequestEncoder } from '../../src/gateway/post-request-encoding.ts';
import { encodeDataRequest, encodeDocuments } from '../../src/protocol/codec.ts';
import type { JsonObject } from '../../src/protocol/json-value.ts';

/** What Jina's client would send for the request, through reflection. */
function reflective(request: PostRequest, requestId: string): string {
  const parameters: JsonObject = request.parameters && Object.keys(request.parameters).length > 0 ? request.parameters : { __results__: {} };
  const header = { requestId, execEndpoint: request.endpoint, ...(request.targetExecutor !== undefined ? { targetExecutor: request.targetExecutor } : {}) };
  return Buffer.from(encodeDataRequest({ header, parameters, routes: [], docs: request.docs }, 'v2')).toString('hex');
}

test('one encoder keeps its template only while endpoint, target executor and encoded parameters stay the same', () => {
  const encoder = new PostRequestEncoder('v2');
  const docs = [{ id: 'a', text: 'x' }];
  const topK = { top_k: 3 };
  const topKBytes = encodeRequestParameters(topK, 'v2');
  const mutable: JsonObject = { limit: 1 };
  const sequence: PostRequest[] = [
    { endpoint: '/search', docs, parameters: topK, encodedParameters: topKBytes },
    { endpoint: '/search', docs, parameters: topK, encodedParameters: topKBytes, encodedDocs: encodeDocuments(docs, 'v2') },
    { endpoint: '/index', docs, parameters: topK, encodedParameters: topKBytes },
    { endpoint: '/index', docs, parameters: topK, encodedParameters: topKBytes, targetExecutor: 'enc' },
    { endpoint: '/index', docs, parameters: topK, encodedParameters: topKBytes },
    { endpoint: '/index', docs: [], parameters: {}, encodedParameters: encodeRequestParameters({}, 'v2') },
    { endpoint: '/index', docs, parameters: mutable },
  ];
  sequence.forEach((request, i) => {
    expect(encoder.encode(request, `id-${i}`).toString('hex'), `request ${i}`).toBe(reflective(request, `id-${i}`));
  });
  // Without encodedParameters, the object is read on every post: a change is sent.
  mutable.limit = 2;
  expect(encoder.encode({ endpoint: '/index', docs, parameters: mutable }, 'again').toString('hex')).toBe(reflective({ endpoint: '/index', docs, parameters: mutable }, 'again'));
});
