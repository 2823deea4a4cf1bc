import { describe, expect, it } from 'vitest';
import type { DataRequest } from '../../src/protocol/data-request';
import { dataRequestFromJson, dataRequestToJson } from '../../src/protocol/data-request-json';
import { documentFromJson } from '../../src/protocol/document-json';
import { createTensor, tensorToNumbers } from '../../src/protocol/tensor';

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
  it('http style: camelCase keys, +00:00 timestamps, tensors as lists', () => {
    const json = dataRequestToJson(request, 'v1', 'http');
    expect(json.header).toMatchObject({ requestId: 'r1', execEndpoint: '/search', status: { code: 1 } });
    expect(json.routes).toEqual([{ executor: 'gateway', startTime: '2022-04-01T13:11:57.992497+00:00', endTime: '2022-04-01T13:11:58+00:00' }]);
    expect(json.data).toEqual([
      { id: 'd', text: 't', uri: 'u', mimeType: 'text/plain', embedding: [0.5, 0.25], tags: { a: [1] }, matches: [{ id: 'm', scores: { cosine: { value: 0.5, opName: 'cos' } } }] },
    ]);
  });

  it('websocket style: snake_case keys, Z timestamps, int status codes', () => {
    const json = dataRequestToJson(request, 'v1', 'websocket');
    expect(json.header).toMatchObject({ request_id: 'r1', exec_endpoint: '/search', status: { code: 1, description: 'bad' } });
    expect(json.routes).toEqual([{ executor: 'gateway', start_time: '2022-04-01T13:11:57.992497Z', end_time: '2022-04-01T13:11:58Z' }]);
    expect((json.data as Array<Record<string, unknown>>)[0]).toMatchObject({ mime_type: 'text/plain' });
  });

  it('docarray v2 documents use LegacyDocument names (url) in either style', () => {
    const json = dataRequestToJson(request, 'v2', 'http');
    expect((json.data as Array<Record<string, unknown>>)[0]).toMatchObject({ url: 'u', embedding: [0.5, 0.25] });
    expect((json.data as Array<Record<string, unknown>>)[0]).not.toHaveProperty('mimeType');
  });

  it.each([
    ['v1', 'http'],
    ['v1', 'websocket'],
    ['v2', 'http'],
    ['v2', 'websocket'],
  ] as const)('round trips %s / %s (tensors come back as float64 with the same values)', (docarray, style) => {
    const back = dataRequestFromJson(JSON.parse(JSON.stringify(dataRequestToJson(request, docarray, style))), docarray);
    expect(back.header).toEqual(request.header);
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
