import { describe, expect, it } from 'vitest';
import { createCheck } from '../../src/checks/create-check.ts';
import { decodeDataRequest } from '../../src/protocol/codec.ts';
import { documentFieldValues, NdArrayValue } from '../../src/protocol/document-fields.ts';
import { protoTypes } from '../../src/protocol/proto-types.ts';
import { createTensor } from '../../src/protocol/tensor.ts';

// A typed docarray v2 document as docarray's to_protobuf writes it (DocProto nodes), inside
// a DataRequestProto: every field must come back as a plain value, only when read.

const embedding = createTensor([0.5, -1.25, 3, 4, 5, 6], { shape: [2, 3], dtype: '<f4' });
const hit = (id: string, score: number) => ({ data: { id: { text: id, type: 'id' }, text: { text: `text of ${id}` }, score: { float: score }, rank: { integer: 0 } } });

function responseBytes(extra: Record<string, object> = {}): Uint8Array {
  const doc = {
    data: {
      id: { text: 'q-0', type: 'id' },
      query: { text: 'red apples' },
      hits: { docArray: { docs: [hit('a', 0.9), hit('b', 0.25)] } },
      scores: { list: { data: [{ float: 0.9 }, { float: 0.25 }] } },
      embedding: { ndarray: { dense: { buffer: embedding.buffer, shape: embedding.shape, dtype: embedding.dtype } }, type: 'ndarray' },
      best: { doc: hit('a', 0.9) },
      info: { dict: { data: { store: { text: 'typed' }, flags: { tuple: { data: [{ boolean: true }, { integer: 7 }] } } } } },
      blob: { blob: new Uint8Array([1, 2, 3]) },
      missing: {},
      ...extra,
    },
  };
  const types = protoTypes('v2');
  return types.dataRequest.encode({ header: { requestId: 'r-1' }, data: { docs: { docs: [doc] } } }).finish();
}

describe('docarray v2 typed fields', () => {
  it('decode to plain values: nested docs, DocLists, lists, dicts, tuples, bytes, None, NdArray with dtype and shape', () => {
    const [doc] = decodeDataRequest(responseBytes(), 'v2').docs;
    // LegacyDocument's names keep their model shape only when the shape fits (scores here is a list).
    expect(Object.keys(doc!).sort()).toEqual(['blob', 'embedding', 'id']);
    expect([doc!.id, Array.from(doc!.blob!), doc!.embedding?.shape]).toEqual(['q-0', [1, 2, 3], [2, 3]]);
    const fields = documentFieldValues(doc!);
    expect(fields.embedding).toEqual(new NdArrayValue('<f4', [2, 3], [[0.5, -1.25, 3], [4, 5, 6]]));
    expect(JSON.parse(JSON.stringify(fields))).toEqual({
      id: 'q-0',
      query: 'red apples',
      hits: [
        { id: 'a', text: 'text of a', score: 0.9, rank: 0 },
        { id: 'b', text: 'text of b', score: 0.25, rank: 0 },
      ],
      scores: [0.9, 0.25],
      embedding: [[0.5, -1.25, 3], [4, 5, 6]],
      best: { id: 'a', text: 'text of a', score: 0.9, rank: 0 },
      info: { store: 'typed', flags: [true, 7] },
      blob: 'AQID',
      missing: null,
    });
  });

  it('a field that cannot be decoded is an error naming it, raised when read — the rest of the document still decodes', async () => {
    const bad = { ndarray: { dense: { buffer: new Uint8Array(6), shape: [3], dtype: '<c8' } }, type: 'ndarray' };
    const response = decodeDataRequest(responseBytes({ weird: { list: { data: [{ integer: 1 }, bad] } } }), 'v2');
    const [doc] = response.docs;
    expect(doc!.id).toBe('q-0');
    expect(() => documentFieldValues(doc!)).toThrow(/^field docs\[0\]\.weird\[1\] cannot be decoded: an NdArray \(cannot read tensor dtype "<c8"\)/);
    const check = await createCheck({ method: 'expect', kwargs: { fields: { hits: { min_length: 1 } } } }, { baseDir: '.', helpersDir: '.' });
    expect(check({ method: 'query', endpoint: '/find', sent: [{ id: 'q-0' }], response })).toEqual([
      { requestId: 'r-1', message: expect.stringMatching(/^document q-0: field docs\[0\]\.weird\[1\] cannot be decoded/) },
    ]);
  });

  it('expect walks NdArray shape and dtype and names path, value and document when a rule fails', async () => {
    const response = decodeDataRequest(responseBytes(), 'v2');
    const check = await createCheck(
      {
        method: 'expect',
        kwargs: {
          fields: {
            'embedding.shape': { equals: [2, 3] },
            'embedding.dtype': { equals: '<f4' },
            'embedding[1][0]': { equals: 4 },
            'hits[*].score': { between: [0.5, 1] },
            'info.flags[1]': { equals: 7 },
            id: { equals_request: true },
          },
        },
      },
      { baseDir: '.', helpersDir: '.' },
    );
    expect(check({ method: 'query', endpoint: '/find', sent: [{ id: 'q-other' }], response })).toEqual([
      { requestId: 'r-1', message: 'expect hits[*].score: between: hits[1].score = 0.25 is not a number in [0.5, 1] (document q-0)' },
      { requestId: 'r-1', message: 'expect id: equals_request: id = "q-0" differs from the request\'s "q-other" (document q-0)' },
    ]);
  });

  it('the model\'s tags and scores decode through the same node reader as fields: NdArrays become nested lists, bytes base64, docs objects', () => {
    const tags = {
      dict: {
        data: {
          vector: { ndarray: { dense: { buffer: embedding.buffer, shape: embedding.shape, dtype: embedding.dtype } } },
          raw: { blob: new Uint8Array([1, 2, 3]) },
          best: { doc: hit('a', 0.9) },
          pair: { tuple: { data: [{ text: 'x' }, {}] } },
        },
      },
    };
    const scores = { dict: { data: { cosine: { float: 0.5 }, rich: { dict: { data: { value: { float: 0.25 }, op_name: { text: 'dot' } } } } } } };
    const [doc] = decodeDataRequest(responseBytes({ tags, scores }), 'v2').docs;
    const expectedTags = { vector: [[0.5, -1.25, 3], [4, 5, 6]], raw: 'AQID', best: { id: 'a', text: 'text of a', score: 0.9, rank: 0 }, pair: ['x', null] };
    expect(doc!.tags).toEqual(expectedTags);
    expect(doc!.scores).toEqual({ cosine: { value: 0.5 }, rich: { value: 0.25, opName: 'dot' } });
    // The lazily decoded field holds the same values, NdArrays with dtype and shape.
    const fields = documentFieldValues(doc!);
    expect(fields.tags).toEqual({ ...expectedTags, vector: new NdArrayValue('<f4', [2, 3], [[0.5, -1.25, 3], [4, 5, 6]]) });
  });

  it('an NdArray whose bytes are too few for its shape is an error naming it, not a list with holes (tags when decoded, fields when read)', () => {
    const short = { ndarray: { dense: { buffer: new Uint8Array(8), shape: [4], dtype: '<f4' } } };
    expect(() => decodeDataRequest(responseBytes({ tags: { dict: { data: { vector: short } } } }), 'v2')).toThrow(
      /^field docs\[0\]\.tags\.vector cannot be decoded: an NdArray \(shape \[4\] does not fit 2 values of <f4\)/,
    );
    const [doc] = decodeDataRequest(responseBytes({ vector: short }), 'v2').docs;
    expect(() => documentFieldValues(doc!)).toThrow(/^field docs\[0\]\.vector cannot be decoded: an NdArray \(shape \[4\] does not fit 2 values of <f4\)/);
  });
});
