import type { JinaDocument } from '../../protocol/document.ts';
import { tensorValues } from '../../protocol/tensor.ts';
import { normalise } from './content-embedding.ts';

/** A document's embedding as a fresh unit-length Float32Array (any dtype on the wire). */
export function embeddingVector(doc: JinaDocument): Float32Array | undefined {
  if (!doc.embedding) return undefined;
  const values = tensorValues(doc.embedding);
  const vector = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) vector[index] = Number(values[index]);
  return normalise(vector);
}
