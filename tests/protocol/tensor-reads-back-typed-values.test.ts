import { describe, expect, it } from 'vitest';
import { createTensor, tensorFromNested, tensorToNested, tensorToNumbers, tensorValues } from '../../src/protocol/tensor.ts';

describe('tensor helpers', () => {
  it('builds from typed arrays with numpy dtype strings and reads back', () => {
    const f32 = createTensor(new Float32Array([1.5, -2]));
    expect(f32).toMatchObject({ dtype: '<f4', shape: [2] });
    expect(f32.buffer.byteLength).toBe(8);
    expect(tensorValues(f32)).toBeInstanceOf(Float32Array);
    expect(tensorToNumbers(createTensor(new BigInt64Array([3n, -4n])))).toEqual([3, -4]);
    expect(createTensor(new Uint8Array(6), { shape: [1, 2, 3] })).toMatchObject({ dtype: '|u1', shape: [1, 2, 3] });
    expect(createTensor([1, 0, 1], { dtype: '|b1' })).toMatchObject({ dtype: '|b1' });
  });

  it('converts number lists to the requested dtype', () => {
    const t = createTensor([1, 2, 3, 4], { dtype: '<i4', shape: [2, 2] });
    expect([...t.buffer]).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]);
    expect(tensorToNested(t)).toEqual([[1, 2], [3, 4]]);
  });

  it('reads bytes at an unaligned offset (as decoded from inside a message)', () => {
    const raw = new Uint8Array(9);
    raw.set(new Uint8Array(new Float32Array([7, 8]).buffer), 1);
    const view = raw.subarray(1);
    expect(tensorToNumbers({ dtype: '<f4', shape: [2], buffer: view })).toEqual([7, 8]);
    const pooled = Buffer.from(raw).subarray(1); // a Node Buffer: its slice() shares memory
    expect(tensorToNumbers({ dtype: '<f4', shape: [2], buffer: pooled })).toEqual([7, 8]);
  });

  it('rejects shapes that do not match and unknown dtypes', () => {
    expect(() => createTensor(new Float32Array(3), { shape: [2, 2] })).toThrow(/shape/);
    expect(() => createTensor(new Float32Array(3), { dtype: '<i4' })).toThrow(/cannot carry/);
    expect(() => tensorValues({ dtype: '<c16', shape: [1], buffer: new Uint8Array(16) })).toThrow(/dtype/);
  });

  it('parses nested JSON lists like numpy.array: ints → <i8, otherwise <f8', () => {
    expect(tensorFromNested([[1, 2], [3, 4]])).toMatchObject({ dtype: '<i8', shape: [2, 2] });
    const floats = tensorFromNested([0.5, 1]);
    expect(floats.dtype).toBe('<f8');
    expect(tensorToNumbers(floats)).toEqual([0.5, 1]);
    expect(() => tensorFromNested([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensorFromNested([1, 'x'])).toThrow(/string/);
  });
});
