import { bench, describe } from 'vitest';
import { decodeDataRequest, encodeDataRequest, encodeDataRequestWithEncodedDocs, encodeDocuments } from '../../src/protocol/codec.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { dataRequestFromJson, dataRequestToJson } from '../../src/protocol/data-request-json.ts';
import type { DocarrayVersion, JinaDocument } from '../../src/protocol/document.ts';
import { createTensor } from '../../src/protocol/tensor.ts';

// A 100-document request shaped like the seed's text workload: text, tags, a 128-d float32
// embedding per document (about 60 KB on the wire).
const docs: JinaDocument[] = Array.from({ length: 100 }, (_, i) => ({
  id: `doc-${i}`,
  text: `sentence number ${i} about stress testing a Jina flow`,
  tags: { filename: `file-${i}.txt`, index: i, lang: 'en' },
  embedding: createTensor(Float32Array.from({ length: 128 }, (_, j) => Math.sin(i + j))),
}));
const request: DataRequest = { header: { requestId: 'bench', execEndpoint: '/index' }, parameters: { __results__: {} }, routes: [], docs };
const options = { time: 400, warmupTime: 100 };

describe.each(['v1', 'v2'] satisfies DocarrayVersion[])('100-document DataRequest, docarray %s', (docarray) => {
  const bytes = encodeDataRequest(request, docarray);
  const encodedDocs = encodeDocuments(docs, docarray);
  const json = JSON.stringify(dataRequestToJson(request, docarray, 'http'));

  bench('encode (reflection)', () => {
    encodeDataRequest(request, docarray);
  }, options);
  bench('encode (pre-encoded docs)', () => {
    encodeDataRequestWithEncodedDocs(request.header, request.parameters, encodedDocs, docarray);
  }, options);
  bench('decode', () => {
    decodeDataRequest(bytes, docarray);
  }, options);
  bench('JSON out (http style, stringified)', () => {
    JSON.stringify(dataRequestToJson(request, docarray, 'http'));
  }, options);
  bench('JSON in (parse + model)', () => {
    dataRequestFromJson(JSON.parse(json), docarray);
  }, options);
});
