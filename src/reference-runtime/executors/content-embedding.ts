import { hashString } from '../../seeded-random.ts';
import type { JinaDocument, Tensor } from '../../protocol/document.ts';
import { tensorValues } from '../../protocol/tensor.ts';

/**
 * Deterministic embeddings from content by feature hashing: each token (text) or sampled
 * element (tensor, blob) adds ±value to a hashed bucket, then the vector is L2-normalised.
 * Equal content gives equal vectors, similar content gives near vectors, and the cost is
 * bounded (at most SAMPLE_LIMIT elements per tensor) so encoding never limits a load test.
 */
const SAMPLE_LIMIT = 1024;
/**
 * Samples are taken in contiguous runs spread over the tensor: one strided read per element
 * missed the cache every time and made a 224×224×3 image cost ~25 µs instead of a few.
 */
const RUN_LENGTH = 64;

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

interface Projection {
  positions: Int32Array;
  /** Bucket and sign of each sampled position, in sampling order. */
  buckets: Int32Array;
  signs: Float32Array;
}

// Images of one shape sample the same positions: hash them once per (length, dim).
const projections = new Map<string, Projection>();

function projectionFor(length: number, dim: number): Projection {
  const key = `${length}/${dim}`;
  let projection = projections.get(key);
  if (!projection) {
    const positions = samplePositions(length);
    const buckets = new Int32Array(positions.length);
    const signs = new Float32Array(positions.length);
    positions.forEach((position, sample) => {
      const hash = mixPosition(position);
      buckets[sample] = hash % dim;
      signs[sample] = hash & 0x80000000 ? -1 : 1;
    });
    projection = { positions, buckets, signs };
    if (projections.size > 64) projections.clear();
    projections.set(key, projection);
  }
  return projection;
}

/** Every position of a small tensor; else SAMPLE_LIMIT positions in evenly spread runs. */
function samplePositions(length: number): Int32Array {
  if (length <= SAMPLE_LIMIT) return Int32Array.from({ length }, (_, index) => index);
  const runs = SAMPLE_LIMIT / RUN_LENGTH;
  const gap = Math.floor(length / runs);
  const positions = new Int32Array(SAMPLE_LIMIT);
  for (let run = 0; run < runs; run++) {
    for (let offset = 0; offset < RUN_LENGTH; offset++) positions[run * RUN_LENGTH + offset] = run * gap + offset;
  }
  return positions;
}

function embedNumbers(values: Numbers, dim: number): Float32Array {
  const { positions, buckets, signs } = projectionFor(values.length, dim);
  const count = positions.length;
  const samples = new Float64Array(count);
  // Centre on the sample mean, or every image would point along the all-positive diagonal.
  let sum = 0;
  for (let sample = 0; sample < count; sample++) {
    const value = Number(values[positions[sample]!]);
    samples[sample] = value;
    sum += value;
  }
  const mean = count > 0 ? sum / count : 0;
  const vector = new Float32Array(dim);
  for (let sample = 0; sample < count; sample++) vector[buckets[sample]!]! += signs[sample]! * (samples[sample]! - mean);
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
