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
  /**
   * Fields of the executor's own document schema (docarray v2), sent as they are beside the
   * legacy ones; docarray v1 cannot carry them (an encode error). Decoded answers keep theirs
   * in `documentFieldValues`, not here.
   */
  fields?: TypedFields;
}

export type DocarrayVersion = 'v1' | 'v2';

/**
 * A value of a typed docarray v2 field as sent, with the wire form it needs. JSON alone cannot
 * say it: an integer field and a float field both hold numbers, a nested document and a dict
 * are both objects, and an NdArray is not a list on the protobuf wire. Plain data (no
 * classes), so documents holding these cross worker threads.
 * Wire forms: typed-value.ts.
 */
export type TypedValue =
  | { kind: 'text'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'ndarray'; tensor: Tensor }
  | { kind: 'list'; items: TypedValue[] }
  | { kind: 'dict'; entries: Record<string, TypedValue> }
  | { kind: 'doc'; fields: TypedFields };

/** A typed document's fields by schema name (its `id` is the JinaDocument's). */
export type TypedFields = Record<string, TypedValue>;
