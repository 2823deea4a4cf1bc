import { describe, expect, it } from 'vitest';
import { decodeDataRequest, encodeDataRequest, encodeDocuments } from '../../src/protocol/codec.ts';
import type { DocarrayVersion, JinaDocument } from '../../src/protocol/document.ts';
import type { JsonObject } from '../../src/protocol/json-value.ts';
import { createTensor } from '../../src/protocol/tensor.ts';
import { encodeStruct, writeClientRequest } from '../../src/protocol/write-client-request.ts';

function makeDocs(count: number): JinaDocument[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `doc-${i}`,
    text: `sentence ${i} `.repeat(i % 7),
    embedding: createTensor(new Float32Array(64).fill(i)),
    tags: { index: i },
  }));
}

interface Case {
  requestId: string;
  execEndpoint: string;
  targetExecutor?: string;
  parameters: JsonObject;
  docs: JinaDocument[];
}

const cases: Array<[string, Case]> = [
  ['one document, the reserved parameters', { requestId: 'f'.repeat(32), execEndpoint: '/index', parameters: { __results__: {} }, docs: makeDocs(1) }],
  ['no documents', { requestId: 'a', execEndpoint: '/search', parameters: { top_k: 3 }, docs: [] }],
  // 100 documents of ~300 bytes: the data field's lengths need 2- and 3-byte varints.
  ['100 documents and a target executor', { requestId: 'b', execEndpoint: '/index', targetExecutor: 'enc.*', parameters: { a: [1, 'x', null] }, docs: makeDocs(100) }],
  ['an empty target executor (present on the wire)', { requestId: 'c', execEndpoint: '/x', targetExecutor: '', parameters: {}, docs: makeDocs(2) }],
  ['multi-byte text and a request id over 127 bytes', { requestId: 'é'.repeat(80), execEndpoint: '/suche-ü', parameters: { q: '検索' }, docs: makeDocs(3) }],
];

describe.each(['v1', 'v2'] satisfies DocarrayVersion[])('a client request written by hand (%s)', (docarray) => {
  it.each(cases)('has the bytes reflection writes: %s', (_name, request) => {
    const header = { requestId: request.requestId, execEndpoint: request.execEndpoint, ...(request.targetExecutor !== undefined ? { targetExecutor: request.targetExecutor } : {}) };
    const reflective = encodeDataRequest({ header, parameters: request.parameters, routes: [], docs: request.docs }, docarray);
    const written = writeClientRequest({
      ...header,
      parameters: encodeStruct(request.parameters, docarray),
      docs: encodeDocuments(request.docs, docarray),
    });
    expect(written.toString('hex')).toBe(Buffer.from(reflective).toString('hex'));
    const decoded = decodeDataRequest(written, docarray);
    expect(decoded.header).toEqual(header);
    expect(decoded.docs.map((doc) => doc.id)).toEqual(request.docs.map((doc) => doc.id));
  });

  it('decodes header, parameters and routes alike with or without the documents', () => {
    const request = { header: { requestId: 'r', execEndpoint: '/index' }, parameters: { top_k: 2 }, routes: [{ executor: 'gateway', startUs: 1_000_000, endUs: 1_000_500 }], docs: makeDocs(5) };
    const bytes = encodeDataRequest(request, docarray);
    const full = decodeDataRequest(bytes, docarray);
    const head = decodeDataRequest(bytes, docarray, { skipDocs: true });
    expect(full.docs).toHaveLength(5);
    expect(head).toEqual({ ...full, docs: [] });
    // Skipping is not blind: a data field cut short is still an error.
    expect(() => decodeDataRequest(bytes.subarray(0, bytes.byteLength - 10), docarray, { skipDocs: true })).toThrow(/cannot decode/);
  });
});
