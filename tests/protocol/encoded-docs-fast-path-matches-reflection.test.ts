import { describe, expect, it } from 'vitest';
import { decodeDataRequest, encodeDataRequest, encodeDataRequestWithEncodedDocs, encodeDocuments } from '../../src/protocol/codec.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import type { DocarrayVersion, JinaDocument } from '../../src/protocol/document.ts';
import { createTensor } from '../../src/protocol/tensor.ts';

function makeDocs(count: number): JinaDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const content: Partial<JinaDocument> =
      i % 2 === 0 ? { text: `sentence ${i}` } : { tensor: createTensor(new Uint8Array(12).fill(i), { shape: [2, 2, 3] }) };
    return {
      id: `doc-${i}`,
      ...content,
      embedding: createTensor(new Float32Array([i, i + 0.5, -i])),
      tags: { index: i, filename: `f${i}.png` },
      chunks: [{ id: `doc-${i}-c`, text: 'chunk' }],
    };
  });
}

const cases: Array<[string, DataRequest]> = [
  ['100 documents', { header: { requestId: 'a', execEndpoint: '/index' }, parameters: { __results__: {} }, routes: [], docs: makeDocs(100) }],
  ['no documents', { header: { requestId: 'b' }, parameters: {}, routes: [], docs: [] }],
  [
    'routes and an error status',
    {
      header: { requestId: 'c', execEndpoint: '/search', targetExecutor: 'idx', status: { code: 1, description: 'x' } },
      parameters: { top_k: 3 },
      routes: [{ executor: 'gateway', startUs: 1_000_000, endUs: 2_000_001 }],
      docs: makeDocs(3),
    },
  ],
];

describe.each(['v1', 'v2'] satisfies DocarrayVersion[])('pre-encoded documents (%s)', (docarray) => {
  it.each(cases)('give the same bytes as reflection: %s', (_name, request) => {
    const reflective = encodeDataRequest(request, docarray);
    const fast = encodeDataRequestWithEncodedDocs(
      request.header,
      request.parameters,
      encodeDocuments(request.docs, docarray),
      docarray,
      request.routes,
    );
    expect(Buffer.from(fast).equals(Buffer.from(reflective))).toBe(true);
    expect(decodeDataRequest(fast, docarray).docs.map((d) => d.id)).toEqual(request.docs.map((d) => d.id));
  });
});
