import { StressError } from '../errors.ts';
import type { JsonObject, JsonValue } from './json-value.ts';

/**
 * google.protobuf.Struct in the message form protobufjs encodes. protobufjs (and
 * proto-loader) encode a plain JSON object given for a Struct field as an EMPTY Struct,
 * silently (docs/ecosystem-notes.md), so every Struct goes through `jsonToStruct` first.
 */
export interface StructMessage {
  fields: Record<string, ValueMessage>;
}

export type ValueMessage =
  | { nullValue: 0 }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: StructMessage }
  | { listValue: { values: ValueMessage[] } };

const maxSafeBigint = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Converts a JSON object to Struct form. Anything Struct/JSON cannot carry unchanged
 * (undefined, functions, symbols, NaN/±Infinity, bigints beyond 2^53, Dates, byte arrays,
 * class instances, cycles) is a StressError PROTOCOL_ENCODE naming the path — never dropped.
 * Bigints within ±2^53 become numbers.
 */
export function jsonToStruct(object: unknown, path = 'parameters'): StructMessage {
  if (!isPlainObject(object)) {
    throw unrepresentable(path, object, 'a Struct must be a plain object');
  }
  return objectToStruct(object, path, new Set());
}

function objectToStruct(object: Record<string, unknown>, path: string, ancestors: Set<object>): StructMessage {
  if (ancestors.has(object)) throw unrepresentable(path, object, 'the object contains itself (a cycle)');
  ancestors.add(object);
  const fields: Record<string, ValueMessage> = {};
  for (const key of Object.keys(object)) {
    fields[key] = toValue(object[key], `${path}.${key}`, ancestors);
  }
  ancestors.delete(object);
  return { fields };
}

function toValue(value: unknown, path: string, ancestors: Set<object>): ValueMessage {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      if (!Number.isFinite(value)) throw unrepresentable(path, value, 'JSON has no NaN or Infinity');
      return { numberValue: value };
    case 'bigint':
      if (value > maxSafeBigint || value < -maxSafeBigint) {
        throw unrepresentable(path, value, 'Struct numbers are doubles: exact only within ±2^53');
      }
      return { numberValue: Number(value) };
    case 'object':
      if (value === null) return { nullValue: 0 };
      if (Array.isArray(value)) {
        if (ancestors.has(value)) throw unrepresentable(path, value, 'the list contains itself (a cycle)');
        ancestors.add(value);
        const values = value.map((item, index) => toValue(item, `${path}[${index}]`, ancestors));
        ancestors.delete(value);
        return { listValue: { values } };
      }
      if (isPlainObject(value)) return { structValue: objectToStruct(value, path, ancestors) };
      throw unrepresentable(path, value, 'only plain objects, arrays and JSON scalars fit a Struct');
    default:
      throw unrepresentable(path, value, `a ${typeof value} has no Struct form`);
  }
}

/** Struct message (decoded or in encode form) → plain JSON object. */
export function structToJson(struct: { fields?: Record<string, unknown> | null } | null | undefined): JsonObject {
  const result: JsonObject = {};
  const fields = struct?.fields;
  if (!fields) return result;
  for (const key of Object.keys(fields)) result[key] = valueToJson(fields[key] as DecodedValue);
  return result;
}

/** A decoded google.protobuf.Value: protobufjs exposes the set oneof member as `kind`. */
interface DecodedValue {
  kind?: string;
  nullValue?: number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: { fields?: Record<string, unknown> | null };
  listValue?: { values?: DecodedValue[] | null };
}

function valueToJson(value: DecodedValue | null | undefined): JsonValue {
  if (!value) return null;
  // Decoded messages have a `kind` getter; encode-form objects have exactly one key.
  const kind = value.kind ?? Object.keys(value)[0];
  switch (kind) {
    case 'numberValue':
      return value.numberValue ?? 0;
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'structValue':
      return structToJson(value.structValue);
    case 'listValue':
      return (value.listValue?.values ?? []).map(valueToJson);
    default:
      // nullValue, or a Value with no kind set (proto3 reads that as null too).
      return null;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The error for a value that a Struct (or docarray v2 node) cannot carry unchanged. */
export function unrepresentable(path: string, value: unknown, why: string, target = 'a google.protobuf.Struct'): StressError {
  const shown = typeof value === 'bigint' ? `${value}n` : describe(value);
  return new StressError('PROTOCOL_ENCODE', `${path}: cannot encode ${shown} in ${target} (${why})`, {
    hint: 'Tags and parameters must be JSON: null, booleans, finite numbers, strings, arrays and plain objects.',
    details: { path },
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return 'a Date';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'null-prototype'} object`;
  return typeof value;
}
