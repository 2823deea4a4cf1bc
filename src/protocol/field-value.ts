import type { JsonValue } from './json-value.ts';

/**
 * An NdArray field of a typed docarray v2 document: dtype and shape as sent, values as
 * nested lists (what `numpy.ndarray.tolist()` shows). In JSON (`toJSON`, the output schema)
 * it is the nested list, as the HTTP gateway renders it.
 */
export class NdArrayValue {
  constructor(
    readonly dtype: string,
    readonly shape: readonly number[],
    readonly values: JsonValue,
  ) {}

  toJSON(): JsonValue {
    return this.values;
  }
}

/**
 * A field of a v2 document as a plain value: text, numbers, booleans, null (Python None),
 * bytes as base64 (as in JSON), NdArrays, lists (also sets, tuples), dicts and nested
 * documents as objects of their fields, DocLists as lists of those.
 */
export type FieldValue = null | boolean | number | string | NdArrayValue | FieldValue[] | FieldObject;
export interface FieldObject {
  [key: string]: FieldValue;
}
