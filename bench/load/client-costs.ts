// What the gateway client spends per request outside grpc-js: request encoding by reflection
// (header and parameters Struct built as messages each time) against the hand-written writer
// with parameters encoded once into a template (src/protocol/write-client-request.ts, the
// client's path), and a full response decode against one that skips the documents
// (`decodeDocs: false`, the load engine's choice without a check). CPU µs per call.
// Usage: npx tsx bench/load/client-costs.ts
import { encodePostRequest, encodeRequestParameters, newRequestId, PostRequestEncoder } from '../../src/gateway/post-request-encoding.ts';
import { decodeDataRequest, encodeDataRequestWithEncodedDocs, encodeDocuments } from '../../src/protocol/codec.ts';
import { isRequestIdOnly, peekRequestId } from '../../src/protocol/request-id.ts';
import { loadFactories } from './bench-load-factories.ts';

const input = await loadFactories.createInput({ method: 'b', kwargs: { num_docs: 1000 } }, { baseDir: '', helpersDir: '', clientIndex: 0 });
const requestId = 'abcdefabcdefabcdefabcdefabcdef12';
for (const size of [1, 100]) {
  const docs = input.take(size);
  const encodedDocs = encodeDocuments(docs, 'v1');
  const encodedParameters = encodeRequestParameters({}, 'v1');
  const bytes = encodePostRequest({ endpoint: '/index', docs, encodedDocs, parameters: {} }, newRequestId(), 'v1');
  const bench = (name: string, fn: () => unknown, n = 200_000 / Math.sqrt(size)): void => {
    for (let i = 0; i < n / 5; i++) fn();
    const cpu = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(cpu);
    console.log(size, name.padEnd(52), ((c.user + c.system) / n).toFixed(2), 'µs');
  };
  bench('encode by reflection (pre-encoded docs)', () =>
    encodeDataRequestWithEncodedDocs({ requestId, execEndpoint: '/index' }, { __results__: {} }, encodedDocs, 'v1'),
  );
  bench('encodePostRequest (written by hand, parameters per call)', () => encodePostRequest({ endpoint: '/index', docs, encodedDocs, parameters: {} }, requestId, 'v1'));
  const encoder = new PostRequestEncoder('v1');
  bench('PostRequestEncoder (template, encodedParameters)', () => encoder.encode({ endpoint: '/index', docs, encodedDocs, encodedParameters, parameters: {} }, requestId));
  bench('decodeDataRequest (full)', () => decodeDataRequest(bytes, 'v1'));
  bench('decodeDataRequest (skipDocs)', () => decodeDataRequest(bytes, 'v1', { skipDocs: true }));
  bench('peekRequestId', () => peekRequestId(bytes));
  bench('isRequestIdOnly', () => isRequestIdOnly(bytes));
  bench('newRequestId (random UUID)', () => newRequestId());
}
