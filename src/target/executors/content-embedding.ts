import { hashString } from '../../inputs/seeded-random';
import type { JinaDocument, Tensor } from '../../protocol/document';
import { tensorValues } from '../../protocol/tensor';

/**
 * Deterministic embeddings from content by feature hashing: each token (text) or sampled
 * element (tensor, blob) adds ±value to a hashed bucket, then the vector is L2-normalised.
 * Equal content gives equal vectors, similar content gives near vectors, and the cost is
 * bounded (at most SAMPLE_LIMIT elements per tensor) so encoding never limits a load test.
 */
const SAMPLE_LIMIT = 4096;

export function embedDocument(doc: JinaDocument, dim: number): Float32Array | undefined {
  if (doc.text !== undefined && doc.text !== '') return embedText(doc.text, dim);
  if (doc.tensor) return embedTensor(doc.tensor, dim);
  if (doc.blob && doc.blob.byteLength > 0) return embedNumbers(doc.blob, dim);
  if (doc.uri) return embedText(doc.uri, dim);
  return undefined;
}

export function embedText(text: string, dim: number): Float32Array {
  const vector = new Float32Array(dim);
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = hashString(token);
    vector[hash % dim]! += hash & 0x80000000 ? -1 : 1;
  }
  return normalise(vector);
}

export function embedTensor(tensor: Tensor, dim: number): Float32Array {
  return embedNumbers(tensorValues(tensor), dim);
}

type Numbers = ArrayLike<number> | ArrayLike<bigint>;

function embedNumbers(values: Numbers, dim: number): Float32Array {
  const length = values.length;
  const stride = Math.max(1, Math.floor(length / SAMPLE_LIMIT));
  const count = Math.ceil(length / stride);
  // Centre on the sample mean, or every image would point along the all-positive diagonal.
  let sum = 0;
  for (let index = 0; index < length; index += stride) sum += Number(values[index]);
  const mean = count > 0 ? sum / count : 0;
  const vector = new Float32Array(dim);
  for (let index = 0; index < length; index += stride) {
    const hash = mixPosition(index);
    vector[hash % dim]! += (hash & 0x80000000 ? -1 : 1) * (Number(values[index]) - mean);
  }
  return normalise(vector);
}

/** A 32-bit integer mix of an element position (murmur3 finaliser). */
function mixPosition(position: number): number {
  let h = position >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Scales to unit length; an all-zero vector stays zero (cosine treats it as unrelated). */
export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let index = 0; index < vector.length; index++) norm += vector[index]! * vector[index]!;
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
  return vector;
}
