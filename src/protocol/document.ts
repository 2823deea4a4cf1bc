import type { JsonObject } from './json-value.ts';

/**
 * A dense n-dimensional array as Jina/docarray carry it: raw C-order bytes plus numpy's
 * `dtype.str` (`<f4`, `<i8`, `|u1`, ...). Kept as bytes so nothing is converted twice on
 * the hot path; use `tensor.ts` to read or build one.
 */
export interface Tensor {
  dtype: string;
  shape: number[];
  buffer: Uint8Array;
}

export interface NamedScore {
  value: number;
  opName?: string;
  description?: string;
  refId?: string;
}

/**
 * The one Document model of the project. It maps onto docarray v1's DocumentProto and onto
 * docarray v2's DocProto (LegacyDocument fields: id, text, blob, tensor, embedding, url,
 * tags, chunks, matches, scores). Fields a format cannot carry are listed in the codec.
 */
export interface JinaDocument {
  id: string;
  text?: string;
  blob?: Uint8Array;
  tensor?: Tensor;
  embedding?: Tensor;
  uri?: string;
  mimeType?: string;
  tags?: JsonObject;
  chunks?: JinaDocument[];
  matches?: JinaDocument[];
  scores?: Record<string, NamedScore>;
  parentId?: string;
  granularity?: number;
  adjacency?: number;
  weight?: number;
  modality?: string;
}

export type DocarrayVersion = 'v1' | 'v2';
