import { describe, expect, it } from 'vitest';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { dataRequestFromJson, dataRequestToJson } from '../../src/protocol/data-request-json.ts';
import { documentFromJson, documentToJson } from '../../src/protocol/document-json.ts';
import { createTensor, tensorToNumbers } from '../../src/protocol/tensor.ts';

const request: DataRequest = {
  header: { requestId: 'r1', execEndpoint: '/search', status: { code: 1, description: 'bad', exception: { name: 'E', args: [], stacks: ['s'], executor: 'idx' } } },
  parameters: { top_k: 2 },
  routes: [{ executor: 'gateway', startUs: 1_648_818_717_992_497, endUs: 1_648_818_718_000_000 }],
  docs: [
    {
      id: 'd',
      text: 't',
      uri: 'u',
      mimeType: 'text/plain',
      embedding: createTensor(new Float32Array([0.5, 0.25])),
      tags: { a: [1] },
      matches: [{ id: 'm', scores: { cosine: { value: 0.5, opName: 'cos' } } }],
    },
  ],
};

describe('DataRequest JSON', () => {
  it('http style, docarray v1: camelCase header and routes with nulls, snake_case documents with every field', () => {
    const json = dataRequestToJson(request, 'v1', 'http');
    expect(json.header).toEqual({ requestId: 'r1', status: { code: 1, description: 'bad', exception: { name: 'E', args: [], stacks: ['s'], executor: 'idx' } }, execEndpoint: '/search', targetExecutor: '' });
    expect(json.routes).toEqual([{ executor: 'gateway', startTime: '2022-04-01T13:11:57.992497+00:00', endTime: '2022-04-01T13:11:58+00:00', status: null }]);
    const doc = (json.data as Array<Record<string, unknown>>)[0]!;
    expect(doc).toMatchObject({ id: 'd', parent_id: null, text: 't', uri: 'u', mime_type: 'text/plain', embedding: [0.5, 0.25], tags: { a: [1] }, chunks: null });
    expect(Object.keys(doc)).toHaveLength(19);
    expect((doc.matches as Array<Record<string, unknown>>)[0]).toMatchObject({ id: 'm', scores: { cosine: { value: 0.5, op_name: 'cos', description: null, ref_id: null } } });
  });

  it('websocket style: MessageToDict — snake_case keys, Z timestamps, defaults left out', () => {
    const json = dataRequestToJson(request, 'v1', 'websocket');
    expect(json.header).toEqual({ request_id: 'r1', exec_endpoint: '/search', status: { code: 1, description: 'bad', exception: { name: 'E', stacks: ['s'], executor: 'idx' } } });
    expect(json.routes).toEqual([{ executor: 'gateway', start_time: '2022-04-01T13:11:57.992497Z', end_time: '2022-04-01T13:11:58Z' }]);
    expect((json.data as Array<Record<string, unknown>>)[0]).toMatchObject({ mime_type: 'text/plain' });
  });

  it('http style, docarray v2: only data, parameters and a snake_case header; LegacyDocument fields; bare scores', () => {
    const json = dataRequestToJson(request, 'v2', 'http');
    expect(Object.keys(json)).toEqual(['data', 'parameters', 'header']);
    expect(json.header).toEqual({ request_id: 'r1', target_executor: '' });
    const doc = (json.data as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(doc)).toEqual(['id', 'tensor', 'chunks', 'matches', 'blob', 'text', 'url', 'embedding', 'tags', 'scores']);
    expect(doc).toMatchObject({ url: 'u', embedding: [0.5, 0.25], tensor: null });
    expect((doc.matches as Array<Record<string, unknown>>)[0]).toMatchObject({ scores: { cosine: 0.5 } });
  });

  it('a v1 document keeps one content field in responses: blob, else tensor, else text', () => {
    const both = { id: 'x', text: 'gone', tensor: createTensor(new Float32Array([1, 2])) };
    expect(documentToJson(both, 'v1', 'full')).toMatchObject({ tensor: [1, 2], text: null });
    expect(documentToJson(both, 'v1')).toEqual({ id: 'x', text: 'gone', tensor: [1, 2] });
  });

  it.each([
    ['v1', 'http'],
    ['v1', 'websocket'],
  ] as const)('round trips %s / %s (tensors come back as float64 with the same values)', (docarray, style) => {
    const back = dataRequestFromJson(JSON.parse(JSON.stringify(dataRequestToJson(request, docarray, style))), docarray);
    expect(back.header).toEqual({ ...request.header, targetExecutor: style === 'http' ? '' : undefined });
    expect(back.routes).toEqual(request.routes);
    expect(back.parameters).toEqual(request.parameters);
    expect(back.docs[0]).toMatchObject({ id: 'd', text: 't', uri: 'u', tags: { a: [1] } });
    expect(back.docs[0]!.embedding!.dtype).toBe('<f8');
    expect(tensorToNumbers(back.docs[0]!.embedding!)).toEqual([0.5, 0.25]);
    expect(back.docs[0]!.matches![0]!.scores).toEqual({ cosine: { value: 0.5, opName: 'cos' } });
  });

  it('accepts data as {docs: [...]}, string status codes and MessageToDict dense tensors', () => {
    const parsed = dataRequestFromJson(
      {
        header: { request_id: 'x', status: { code: 'ERROR', description: 'no' } },
        data: { docs: [{ id: 'a', embedding: { dense: { buffer: Buffer.from(new Float32Array([3]).buffer).toString('base64'), shape: [1], dtype: '<f4' }, cls_name: 'numpy' } }] },
      },
      'v1',
    );
    expect(parsed.header).toEqual({ requestId: 'x', status: { code: 1, description: 'no' } });
    expect(parsed.docs[0]!.embedding).toMatchObject({ dtype: '<f4', shape: [1] });
    expect(tensorToNumbers(parsed.docs[0]!.embedding!)).toEqual([3]);
  });

  it('rejects a non-object document with PROTOCOL_DECODE naming where', () => {
    expect(() => documentFromJson(5, 'v1', 'data[3]')).toThrow(/data\[3\]/);
    expect(() => dataRequestFromJson({ data: 'nope' }, 'v1')).toThrow(expect.objectContaining({ code: 'PROTOCOL_DECODE' }));
  });
});
