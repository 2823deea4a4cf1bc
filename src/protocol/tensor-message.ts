import { StressError } from '../errors.ts';
import type { Tensor } from './document.ts';

/** DenseNdArrayProto in protobufjs form (same numbers in docarray v1 and v2). */
export interface DenseMessage {
  buffer: Uint8Array;
  shape: number[];
  dtype: string;
}

/** NdArrayProto as decoded: v1 has a `dense | sparse` oneof and `cls_name`, v2 only `dense`. */
export interface DecodedNdArray {
  dense?: Partial<DenseMessage> | null;
  sparse?: unknown;
}

export function tensorToDense(tensor: Tensor): DenseMessage {
  return { buffer: tensor.buffer, shape: tensor.shape, dtype: tensor.dtype };
}

/** The decoded bytes stay a view into the received message: no copy on the hot path. */
export function tensorFromNdArray(message: DecodedNdArray, path: string): Tensor {
  const dense = message.dense;
  if (!dense) {
    throw new StressError('PROTOCOL_DECODE', `${path}: ${message.sparse ? 'sparse' : 'empty'} tensors are not supported`, {
      hint: 'Only dense NdArrayProto tensors (numpy arrays) are read; send dense embeddings from the executor.',
    });
  }
  return {
    dtype: dense.dtype ?? '',
    shape: Array.from(dense.shape ?? []),
    buffer: dense.buffer ?? new Uint8Array(0),
  };
}
