import type { TypedFields, TypedValue } from '../protocol/document.ts';
import type { JsonObject, JsonValue } from '../protocol/json-value.ts';

/**
 * A plain JSON value (an enum or const of a schema, a mapped input's field) in the wire form its
 * JSON type implies: whole numbers are ints, objects dicts (a caller that knows a value is a
 * nested document uses typedFieldsFromJson for its fields).
 */
export function typedValueFromJson(value: JsonValue): TypedValue {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'string') return { kind: 'text', value };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: 'int', value } : { kind: 'float', value };
  if (Array.isArray(value)) return { kind: 'list', items: value.map(typedValueFromJson) };
  return { kind: 'dict', entries: typedFieldsFromJson(value) };
}

export function typedFieldsFromJson(value: JsonObject): TypedFields {
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, typedValueFromJson(child)]));
}
