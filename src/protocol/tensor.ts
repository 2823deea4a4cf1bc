import { StressError } from '../errors.ts';
import type { Tensor } from './document.ts';
import type { JsonValue } from './json-value.ts';

type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface ArrayKind {
  bytesPerElement: number;
  create(buffer: ArrayBuffer, byteOffset: number, length: number): NumericArray;
  allocate(length: number): NumericArray;
}

function kindOf(constructor: {
  BYTES_PER_ELEMENT: number;
  new (length: number): NumericArray;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericArray;
}): ArrayKind {
  return {
    bytesPerElement: constructor.BYTES_PER_ELEMENT,
    create: (buffer, byteOffset, length) => new constructor(buffer, byteOffset, length),
    allocate: (length) => new constructor(length),
  };
}

/**
 * numpy `dtype.str` → typed array. Little-endian and byte-sized types only: that is what
 * numpy writes on every platform Jina runs on. `|b1` (bool) reads as bytes 0/1.
 */
const dtypes = {
  '<f4': kindOf(Float32Array),
  '<f8': kindOf(Float64Array),
  '|i1': kindOf(Int8Array),
  '|u1': kindOf(Uint8Array),
  '|b1': kindOf(Uint8Array),
  '<i2': kindOf(Int16Array),
  '<u2': kindOf(Uint16Array),
  '<i4': kindOf(Int32Array),
  '<u4': kindOf(Uint32Array),
  '<i8': kindOf(BigInt64Array),
  '<u8': kindOf(BigUint64Array),
} satisfies Record<string, ArrayKind>;

export type NumpyDtype = keyof typeof dtypes;

const dtypeOfArray = new Map<Function, NumpyDtype>([
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Int8Array, '|i1'],
  [Uint8Array, '|u1'],
  [Int16Array, '<i2'],
  [Uint16Array, '<u2'],
  [Int32Array, '<i4'],
  [Uint32Array, '<u4'],
  [BigInt64Array, '<i8'],
  [BigUint64Array, '<u8'],
]);

export function isNumpyDtype(dtype: string): dtype is NumpyDtype {
  return Object.hasOwn(dtypes, dtype);
}

/**
 * Builds a Tensor. A typed array is used as is (its dtype follows the array type and the
 * Tensor shares its memory); a number[] is converted to `dtype` (default `<f4`).
 * `shape` defaults to one dimension.
 */
export function createTensor(
  values: NumericArray | readonly number[],
  options: { shape?: readonly number[]; dtype?: NumpyDtype } = {},
): Tensor {
  let array: NumericArray;
  if (ArrayBuffer.isView(values)) {
    array = values;
  } else {
    const kind = dtypes[options.dtype ?? '<f4'];
    array = kind.allocate(values.length);
    const isBig = array instanceof BigInt64Array || array instanceof BigUint64Array;
    values.forEach((value, index) => {
      array[index] = isBig ? BigInt(Math.trunc(value)) : value;
    });
  }
  const dtype = options.dtype ?? dtypeOfArray.get(array.constructor);
  if (!dtype) throw new StressError('PROTOCOL_ENCODE', `unsupported array type ${array.constructor.name}`);
  if (dtypes[dtype].allocate(0).constructor !== array.constructor) {
    throw new StressError('PROTOCOL_ENCODE', `a ${array.constructor.name} cannot carry dtype ${dtype}`);
  }
  const shape = options.shape ? [...options.shape] : [array.length];
  if (elementCount(shape) !== array.length) {
    throw new StressError('PROTOCOL_ENCODE', `shape [${shape.join(', ')}] does not hold ${array.length} values`);
  }
  return { dtype, shape, buffer: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) };
}

/** The tensor's values as a typed array (a view when the bytes are aligned, else a copy). */
export function tensorValues(tensor: Tensor): NumericArray {
  if (!isNumpyDtype(tensor.dtype)) {
    throw new StressError('PROTOCOL_DECODE', `cannot read tensor dtype ${JSON.stringify(tensor.dtype)}`, {
      hint: `Readable dtypes: ${Object.keys(dtypes).join(', ')}.`,
    });
  }
  const kind = dtypes[tensor.dtype];
  const { buffer } = tensor;
  if (buffer.byteLength % kind.bytesPerElement !== 0) {
    throw new StressError('PROTOCOL_DECODE', `tensor of ${buffer.byteLength} bytes is not a whole number of ${tensor.dtype}`);
  }
  const length = buffer.byteLength / kind.bytesPerElement;
  // Bytes decoded from protobuf sit at any offset inside the message; typed arrays need alignment.
  if (buffer.byteOffset % kind.bytesPerElement === 0) {
    return kind.create(buffer.buffer as ArrayBuffer, buffer.byteOffset, length);
  }
  // `new Uint8Array(view)` copies; a Node Buffer's `slice()` would not.
  const copy = new Uint8Array(buffer);
  return kind.create(copy.buffer as ArrayBuffer, 0, length);
}

/** The tensor's values as plain numbers (int64 beyond 2^53 loses precision). */
export function tensorToNumbers(tensor: Tensor): number[] {
  return Array.from(tensorValues(tensor) as ArrayLike<number | bigint>, Number);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Nested lists in C order, as the HTTP gateways render tensors in JSON. */
export function tensorToNested(tensor: Tensor): JsonValue {
  const flat = tensorToNumbers(tensor);
  if (tensor.shape.length === 0) return flat[0] ?? null;
  let position = 0;
  const build = (depth: number): JsonValue[] => {
    const size = tensor.shape[depth] ?? 0;
    const out: JsonValue[] = new Array(size);
    for (let index = 0; index < size; index++) {
      out[index] = depth === tensor.shape.length - 1 ? (flat[position++] as number) : build(depth + 1);
    }
    return out;
  };
  return build(0);
}

/**
 * Nested number lists → Tensor. JSON carries no dtype, so like `numpy.array(list)`: all
 * integers → `<i8`, else `<f8`. Ragged lists and non-numbers are a PROTOCOL_DECODE error.
 */
export function tensorFromNested(nested: unknown): Tensor {
  const shape: number[] = [];
  for (let level: unknown = nested; Array.isArray(level); level = level[0]) shape.push(level.length);
  const flat: number[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw badNested(`a ${node === null ? 'null' : typeof node} among the numbers`);
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) throw badNested('ragged nesting');
    for (const child of node) walk(child, depth + 1);
  };
  walk(nested, 0);
  const isInteger = flat.length > 0 && flat.every(Number.isSafeInteger);
  return createTensor(flat, { shape, dtype: isInteger ? '<i8' : '<f8' });
}

function badNested(why: string): StressError {
  return new StressError('PROTOCOL_DECODE', `tensor JSON is not a rectangular list of numbers (${why})`);
}
