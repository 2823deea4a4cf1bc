import type { JsonObject, JsonValue } from '../protocol/json-value.ts';
import { isPlainObject } from '../protocol/struct.ts';

/**
 * docarray publishes every NdArray field as a flat list of numbers (`{type: array, items:
 * {type: number}, "tensor/array shape": "[2, 2]"}`), but the values nest by shape — what
 * numpy's `tolist()` writes over HTTP and what the protobuf decoder shows (its own `example`
 * nests too). Validated as published, every answer with a 2-D NdArray would be a violation.
 * Each such node becomes the list its shape says: exactly nested when the shape is declared,
 * numbers at any depth when it is "not specified".
 */
export function withNestedNdArrays(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(withNestedNdArrays);
  if (!isPlainObject(schema)) return schema;
  const node = schema as JsonObject;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) out[key] = withNestedNdArrays(value);
  const declared = node['tensor/array shape'];
  if (typeof declared !== 'string' || node.type !== 'array') return out;
  const shape = parseShape(declared);
  const leaf: JsonObject = isPlainObject(node.items) ? (node.items as JsonObject) : { type: 'number' };
  if (shape) {
    let nested: JsonObject = leaf;
    for (const size of shape.slice(1).reverse()) nested = { type: 'array', items: nested, minItems: size, maxItems: size };
    return { ...out, items: nested, minItems: shape[0]!, maxItems: shape[0]! };
  }
  return { ...out, items: { anyOf: [leaf, { type: 'array' }] } };
}

/** `[2, 3]` → [2, 3]; a shape with names or `...` (or "not specified") → undefined. */
function parseShape(text: string): number[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text.replace(/\(/g, '[').replace(/\)/g, ']').replace(/,\s*]/g, ']'));
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((size) => Number.isInteger(size) && (size as number) >= 0) ? (parsed as number[]) : undefined;
  } catch {
    return undefined;
  }
}
