import { describe, expect, it } from 'vitest';
import {
  decodeDataRequest,
  decodeEndpoints,
  decodeJinaInfo,
  decodeStatus,
  encodeEndpoints,
  encodeJinaInfo,
  encodeStatus,
} from '../../src/protocol/codec.ts';
import { bytesOf, mapEntries, only, readWireFields, textOf } from './read-wire-fields.ts';

describe('StatusProto, JinaInfoProto, EndpointsProto', () => {
  it('encodes StatusProto code = 1, description = 2, exception = 3 and decodes back', () => {
    const status = { code: 1, description: 'Executor failed', exception: { name: 'RuntimeError', args: ['a', 'b'], stacks: [], executor: 'indexer' } };
    const fields = readWireFields(encodeStatus(status));
    expect(fields.map((f) => f.field)).toEqual([1, 2, 3]);
    expect(textOf(only(readWireFields(bytesOf(only(fields, 3))), 4))).toBe('indexer');
    expect(decodeStatus(encodeStatus(status))).toEqual(status);
    expect(decodeStatus(new Uint8Array(0))).toEqual({ code: 0, description: '' });
  });

  it('encodes JinaInfoProto jina = 1 and envs = 2 as string maps', () => {
    const info = { jina: { jina: '3.34.0', docarray: '0.40.1' }, envs: { JINA_LOG_LEVEL: 'INFO' } };
    const bytes = encodeJinaInfo(info);
    const fields = readWireFields(bytes);
    expect(textOf({ field: 2, wireType: 2, value: mapEntries(fields, 1).get('jina')! })).toBe('3.34.0');
    expect(mapEntries(fields, 2).has('JINA_LOG_LEVEL')).toBe(true);
    expect(decodeJinaInfo(bytes)).toEqual(info);
  });

  it('encodes EndpointsProto endpoints = 1, write_endpoints = 2, schemas = 3', () => {
    const info = { endpoints: ['/index', '/search'], writeEndpoints: ['/index'], schemas: { '/index': { input: { name: 'LegacyDocument' } } } };
    const bytes = encodeEndpoints(info);
    expect(readWireFields(bytes).map((f) => f.field)).toEqual([1, 1, 2, 3]);
    expect(decodeEndpoints(bytes)).toEqual(info);
  });

  it('reports garbage as PROTOCOL_DECODE', () => {
    expect(() => decodeDataRequest(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), 'v1')).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_DECODE' }),
    );
  });
});
