import { describe, expect, it } from 'vitest';
import { decodeDataRequest, encodeDataRequest } from '../../src/protocol/codec.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { createTensor, tensorToNumbers } from '../../src/protocol/tensor.ts';
import { bytesOf, float32Of, float64Of, mapEntries, only, readWireFields, textOf } from './read-wire-fields.ts';

// Field numbers: docs/jina-protocols.md §1.2 (jina.proto) and §1.9 (docarray v1).
const request: DataRequest = {
  header: { requestId: 'req-1', execEndpoint: '/search', targetExecutor: 'enc.*' },
  parameters: { top_k: 5, flag: true, name: 'x', nested: { list: [1, 'b'] }, nothing: null },
  routes: [
    { executor: 'gateway', startUs: 1_700_000_000_123_456, endUs: 1_700_000_001_000_000 },
    {
      executor: 'encoder',
      startUs: 1_700_000_000_200_000,
      endUs: 1_700_000_000_300_000,
      status: { code: 1, description: 'boom', exception: { name: 'ValueError', args: ['bad'], stacks: ['l1'], executor: 'encoder' } },
    },
  ],
  docs: [
    {
      id: 'd0',
      text: 'hello',
      embedding: createTensor(new Float32Array([0.5, -1, 2])),
      tags: { filename: 'a.png', n: 3 },
      matches: [{ id: 'm0', scores: { cosine: { value: 0.75, opName: 'cosine' } } }],
    },
    { id: 'd1', tensor: createTensor(new Uint8Array([1, 2, 3, 4]), { shape: [2, 2, 1] }), mimeType: 'image/png' },
  ],
};

describe('DataRequestProto with docarray v1 documents, on the wire', () => {
  const bytes = encodeDataRequest(request, 'v1');
  const top = readWireFields(bytes);

  it('writes header, parameters, two routes and data as fields 1, 2, 3, 3, 4', () => {
    expect(top.map((f) => [f.field, f.wireType])).toEqual([[1, 2], [2, 2], [3, 2], [3, 2], [4, 2]]);
  });

  it('writes HeaderProto request_id = 1, exec_endpoint = 3, target_executor = 4', () => {
    const header = readWireFields(bytesOf(only(top, 1)));
    expect(header.map((f) => f.field)).toEqual([1, 3, 4]);
    expect(textOf(only(header, 1))).toBe('req-1');
    expect(textOf(only(header, 3))).toBe('/search');
    expect(textOf(only(header, 4))).toBe('enc.*');
  });

  it('writes parameters as a real Struct (map entries with typed Values), not an empty one', () => {
    const entries = mapEntries(readWireFields(bytesOf(only(top, 2))), 1);
    expect([...entries.keys()]).toEqual(['top_k', 'flag', 'name', 'nested', 'nothing']);
    expect(float64Of(only(readWireFields(entries.get('top_k')!), 2))).toBe(5); // number_value = 2, double
    expect(only(readWireFields(entries.get('flag')!), 4).value).toBe(1); // bool_value = 4
    expect(textOf(only(readWireFields(entries.get('name')!), 3))).toBe('x'); // string_value = 3
    expect(only(readWireFields(entries.get('nothing')!), 1).value).toBe(0); // null_value = 1
    const nested = mapEntries(readWireFields(bytesOf(only(readWireFields(entries.get('nested')!), 5))), 1); // struct_value = 5
    const list = readWireFields(bytesOf(only(readWireFields(nested.get('list')!), 6))); // list_value = 6
    expect(list.map((f) => f.field)).toEqual([1, 1]);
  });

  it('writes RouteProto executor = 1, Timestamps 2/3 as {seconds = 1, nanos = 2}, status = 4', () => {
    const routes = top.filter((f) => f.field === 3).map((f) => readWireFields(bytesOf(f)));
    const [gateway, encoder] = routes as [ReturnType<typeof readWireFields>, ReturnType<typeof readWireFields>];
    expect(textOf(only(gateway, 1))).toBe('gateway');
    const start = readWireFields(bytesOf(only(gateway, 2)));
    expect(only(start, 1).value).toBe(1_700_000_000);
    expect(only(start, 2).value).toBe(123_456_000);
    const end = readWireFields(bytesOf(only(gateway, 3)));
    expect(end.map((f) => f.field)).toEqual([1]); // nanos 0 is not written
    const status = readWireFields(bytesOf(only(encoder, 4)));
    expect(only(status, 1).value).toBe(1); // ERROR
    expect(textOf(only(status, 2))).toBe('boom');
    const exception = readWireFields(bytesOf(only(status, 3)));
    expect(textOf(only(exception, 1))).toBe('ValueError');
    expect(textOf(only(exception, 2))).toBe('bad');
    expect(textOf(only(exception, 3))).toBe('l1');
    expect(textOf(only(exception, 4))).toBe('encoder');
  });

  it('writes data.docs (4 → 1) as a DocumentArrayProto whose docs (1) are DocumentProtos', () => {
    const content = readWireFields(bytesOf(only(top, 4)));
    expect(content.map((f) => f.field)).toEqual([1]);
    const docs = readWireFields(bytesOf(only(content, 1)));
    expect(docs.map((f) => f.field)).toEqual([1, 1]);

    const doc0 = readWireFields(bytesOf(docs[0]!));
    expect(doc0.map((f) => f.field)).toEqual([1, 4, 15, 16, 17]);
    expect(textOf(only(doc0, 1))).toBe('d0');
    expect(textOf(only(doc0, 4))).toBe('hello');
    const embedding = readWireFields(bytesOf(only(doc0, 16)));
    expect(textOf(only(embedding, 3))).toBe('numpy'); // cls_name
    const dense = readWireFields(bytesOf(only(embedding, 1)));
    expect(Buffer.from(bytesOf(only(dense, 1)))).toEqual(Buffer.from(new Float32Array([0.5, -1, 2]).buffer));
    expect([...bytesOf(only(dense, 2))]).toEqual([3]); // packed shape
    expect(textOf(only(dense, 3))).toBe('<f4');
    expect([...mapEntries(readWireFields(bytesOf(only(doc0, 17))), 1).keys()]).toEqual(['filename', 'n']);

    const match = readWireFields(bytesOf(only(doc0, 15)));
    const score = readWireFields(mapEntries(match, 18).get('cosine')!);
    expect(float32Of(only(score, 1))).toBe(0.75);
    expect(textOf(only(score, 2))).toBe('cosine');

    const doc1 = readWireFields(bytesOf(docs[1]!));
    expect(doc1.map((f) => f.field)).toEqual([1, 3, 11]);
    const tensorDense = readWireFields(bytesOf(only(readWireFields(bytesOf(only(doc1, 3))), 1)));
    expect([...bytesOf(only(tensorDense, 2))]).toEqual([2, 2, 1]);
    expect(textOf(only(tensorDense, 3))).toBe('|u1');
    expect(textOf(only(doc1, 11))).toBe('image/png');
  });

  it('decodes back to the same request', () => {
    const decoded = decodeDataRequest(bytes, 'v1');
    expect(decoded.header).toEqual(request.header);
    expect(decoded.parameters).toEqual(request.parameters);
    expect(decoded.routes).toEqual(request.routes);
    const [doc0, doc1] = decoded.docs;
    expect(doc0).toMatchObject({ id: 'd0', text: 'hello', tags: { filename: 'a.png', n: 3 } });
    expect(tensorToNumbers(doc0!.embedding!)).toEqual([0.5, -1, 2]);
    expect(doc0!.matches).toEqual([{ id: 'm0', scores: { cosine: { value: 0.75, opName: 'cosine' } } }]);
    expect(doc1!.tensor).toMatchObject({ dtype: '|u1', shape: [2, 2, 1] });
    expect([...doc1!.tensor!.buffer]).toEqual([1, 2, 3, 4]);
    expect(doc1!.mimeType).toBe('image/png');
  });
});
