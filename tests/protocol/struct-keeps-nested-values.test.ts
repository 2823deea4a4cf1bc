import { describe, expect, it } from 'vitest';
import { decodeDataRequest, encodeDataRequest } from '../../src/protocol/codec.ts';
import { isStressError } from '../../src/errors.ts';
import { protoTypes } from '../../src/protocol/proto-types.ts';
import { jsonToStruct, structToJson } from '../../src/protocol/struct.ts';

const roundTrip = (parameters: Record<string, unknown>): unknown => {
  const bytes = encodeDataRequest({ header: { requestId: 'r' }, parameters: parameters as never, routes: [], docs: [] }, 'v1');
  return decodeDataRequest(bytes, 'v1').parameters;
};

describe('google.protobuf.Struct conversion', () => {
  it('keeps nested objects, lists, nulls, booleans, empty containers and unicode over the wire', () => {
    const parameters = {
      __results__: {},
      top_k: 10,
      ratio: -0.125,
      flags: [true, false, null],
      deep: { a: { b: { c: [[1, 2], [], { d: 'é✓' }] } } },
      empty: '',
    };
    expect(roundTrip(parameters)).toEqual(parameters);
  });

  it('is never empty for a plain object (the protobufjs gotcha): bytes hold every key', () => {
    const bytes = protoTypes('v1').struct.encode(jsonToStruct({ a: 1, b: { c: 'd' } })).finish();
    expect(bytes.byteLength).toBeGreaterThan(10);
    expect(structToJson(protoTypes('v1').struct.decode(bytes) as never)).toEqual({ a: 1, b: { c: 'd' } });
  });

  it('turns bigints within 2^53 into numbers', () => {
    expect(roundTrip({ n: 42n })).toEqual({ n: 42 });
  });

  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  it.each([
    ['undefined', { a: { b: undefined } }, 'parameters.a.b'],
    ['a function', { f: () => 1 }, 'parameters.f'],
    ['NaN', { list: [1, Number.NaN] }, 'parameters.list[1]'],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, 'parameters.x'],
    ['a bigint beyond 2^53', { big: 2n ** 60n }, 'parameters.big'],
    ['a Date', { when: new Date(0) }, 'parameters.when'],
    ['bytes', { raw: new Uint8Array(2) }, 'parameters.raw'],
    ['a class instance', { m: new Map() }, 'parameters.m'],
    ['a symbol', { s: Symbol('x') }, 'parameters.s'],
    ['a cycle', cycle, 'parameters.self'],
  ])('rejects %s with PROTOCOL_ENCODE naming the path', (_what, parameters, path) => {
    let caught: unknown;
    try {
      roundTrip(parameters);
    } catch (error) {
      caught = error;
    }
    expect(isStressError(caught, 'PROTOCOL_ENCODE')).toBe(true);
    expect((caught as Error).message).toContain(path);
  });

  it('rejects unrepresentable tags in a document too', () => {
    expect(() =>
      encodeDataRequest({ header: { requestId: 'r' }, parameters: {}, routes: [], docs: [{ id: 'd', tags: { x: undefined as never } }] }, 'v1'),
    ).toThrow(/docs\[0\]\.tags\.x/);
    expect(() =>
      encodeDataRequest({ header: { requestId: 'r' }, parameters: {}, routes: [], docs: [{ id: 'd', tags: { x: Number.NaN } }] }, 'v2'),
    ).toThrow(/docs\[0\]\.tags\.x/);
  });
});
