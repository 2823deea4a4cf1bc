import { describe, expect, it } from 'vitest';
import { decodeDataRequest, encodeDataRequest } from '../../src/protocol/codec.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { createTensor, tensorToNumbers } from '../../src/protocol/tensor.ts';
import { bytesOf, float64Of, mapEntries, only, readWireFields, textOf, type WireField } from './read-wire-fields.ts';

// Field numbers: docs/jina-protocols.md §1.9 (docarray v2: DocProto.data = map<string, NodeProto>;
// NodeProto text 1, integer 2, float 3, boolean 4, blob 5, ndarray 6, doc 7, doc_array 8,
// list 9, dict 12, type 13).
const request: DataRequest = {
  header: { requestId: 'req-2', execEndpoint: '/index' },
  parameters: {},
  routes: [],
  docs: [
    {
      id: 'd0',
      text: 'hello',
      uri: 'http://x/a.png',
      blob: new Uint8Array([9, 8]),
      embedding: createTensor(new Float32Array([1, 2])),
      tags: { n: 3, big: 2 ** 40, ratio: 0.5, ok: false, list: ['a', null], obj: { k: 'v' } },
      matches: [{ id: 'm0', scores: { cosine: { value: 0.25 } } }],
    },
  ],
};

const nodeOf = (bytes: Uint8Array): WireField[] => readWireFields(bytes);

describe('DataRequestProto with docarray v2 documents, on the wire', () => {
  const bytes = encodeDataRequest(request, 'v2');
  const top = readWireFields(bytes);
  const docList = readWireFields(bytesOf(only(readWireFields(bytesOf(only(top, 4))), 1)));
  const doc = mapEntries(readWireFields(bytesOf(only(docList, 1))), 1);

  it('keeps jina.proto framing: header 1, parameters 2, data 4 → docs 1 → DocListProto.docs 1', () => {
    expect(top.map((f) => f.field)).toEqual([1, 2, 4]);
    expect(docList.map((f) => f.field)).toEqual([1]);
  });

  it('writes one DocProto.data entry per LegacyDocument field', () => {
    expect([...doc.keys()]).toEqual(['id', 'matches', 'blob', 'text', 'url', 'embedding', 'tags']);
  });

  it('writes id as NodeProto {text = 1, type = 13 "id"}', () => {
    const id = nodeOf(doc.get('id')!);
    expect(textOf(only(id, 1))).toBe('d0');
    expect(textOf(only(id, 13))).toBe('id');
  });

  it('writes text/url as text (1), blob as blob (5)', () => {
    expect(textOf(only(nodeOf(doc.get('text')!), 1))).toBe('hello');
    expect(textOf(only(nodeOf(doc.get('url')!), 1))).toBe('http://x/a.png');
    expect([...bytesOf(only(nodeOf(doc.get('blob')!), 5))]).toEqual([9, 8]);
  });

  it('writes embedding as ndarray (6) → dense (1) with type "ndarray_embedding"', () => {
    const node = nodeOf(doc.get('embedding')!);
    expect(textOf(only(node, 13))).toBe('ndarray_embedding');
    const dense = readWireFields(bytesOf(only(readWireFields(bytesOf(only(node, 6))), 1)));
    expect(Buffer.from(bytesOf(only(dense, 1)))).toEqual(Buffer.from(new Float32Array([1, 2]).buffer));
    expect([...bytesOf(only(dense, 2))]).toEqual([2]);
    expect(textOf(only(dense, 3))).toBe('<f4');
  });

  it('writes tags as dict (12) of typed nodes: integer 2, float 3, boolean 4, list 9, dict 12', () => {
    const tags = mapEntries(readWireFields(bytesOf(only(nodeOf(doc.get('tags')!), 12))), 1);
    expect(only(nodeOf(tags.get('n')!), 2).value).toBe(3);
    expect(float64Of(only(nodeOf(tags.get('big')!), 3))).toBe(2 ** 40); // beyond int32 → double
    expect(float64Of(only(nodeOf(tags.get('ratio')!), 3))).toBe(0.5);
    expect(only(nodeOf(tags.get('ok')!), 4).value).toBe(0);
    const list = readWireFields(bytesOf(only(nodeOf(tags.get('list')!), 9)));
    expect(list.map((f) => f.field)).toEqual([1, 1]);
    expect(bytesOf(list[1]!).byteLength).toBe(0); // null → empty NodeProto
    expect(mapEntries(readWireFields(bytesOf(only(nodeOf(tags.get('obj')!), 12))), 1).has('k')).toBe(true);
  });

  it('writes matches as doc_array (8) of DocProtos, a value-only score as a bare double', () => {
    const docs = readWireFields(bytesOf(only(nodeOf(doc.get('matches')!), 8)));
    const match = mapEntries(readWireFields(bytesOf(only(docs, 1))), 1);
    expect(textOf(only(nodeOf(match.get('id')!), 1))).toBe('m0');
    // A score with only a value is the bare double (3) LegacyDocument executors write: {"cosine": 0.25}.
    const scores = mapEntries(readWireFields(bytesOf(only(nodeOf(match.get('scores')!), 12))), 1);
    expect(float64Of(only(nodeOf(scores.get('cosine')!), 3))).toBe(0.25);
  });

  it('decodes back to the same request', () => {
    const decoded = decodeDataRequest(bytes, 'v2');
    expect(decoded.header).toEqual(request.header);
    const [doc0] = decoded.docs;
    expect(doc0).toMatchObject({ id: 'd0', text: 'hello', uri: 'http://x/a.png', tags: request.docs[0]!.tags });
    expect([...doc0!.blob!]).toEqual([9, 8]);
    expect(tensorToNumbers(doc0!.embedding!)).toEqual([1, 2]);
    expect(doc0!.matches).toEqual([{ id: 'm0', scores: { cosine: { value: 0.25 } } }]);
  });

  it('does not carry the fields LegacyDocument lacks (mimeType, parentId, weight, ...)', () => {
    const bytesWithExtras = encodeDataRequest(
      { ...request, docs: [{ id: 'x', mimeType: 'text/plain', parentId: 'p', weight: 2, granularity: 1, modality: 'text' }] },
      'v2',
    );
    expect(decodeDataRequest(bytesWithExtras, 'v2').docs).toEqual([{ id: 'x' }]);
  });
});
