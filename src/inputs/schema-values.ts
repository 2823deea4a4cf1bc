import type { TypedFields, TypedValue } from '../protocol/document.ts';
import type { JsonObject, JsonValue } from '../protocol/json-value.ts';
import { isPlainObject } from '../protocol/struct.ts';
import { createTensor } from '../protocol/tensor.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { typedValueFromJson } from './typed-value-from-json.ts';

/**
 * Values for the fields of a docarray v2 document schema (the JSON Schema pydantic writes and
 * the gateway publishes), generated from a seeded PRNG. What the schema says decides the wire
 * form: `integer` / `number` / `boolean` / `string` (enum, const, min/max, lengths and the
 * formats `binary`, `date-time`, `date`, `uuid`, `email`, `uri`), arrays and tuples
 * (`prefixItems`), dicts (`additionalProperties`), nested documents (`$ref` to an object with
 * properties), NdArrays (docarray's `"tensor/array shape"` key; its declared shape is used,
 * `defaultShape` when "not specified"), `anyOf` (the first alternative that is not null).
 *
 * A required field it cannot make (a string `pattern`, an unknown `format`, a document that
 * contains itself deeper than a few levels, `not`) is a problem naming the field's path; an
 * optional one is left out. The document's `id` is never generated (the JinaDocument's id
 * fills it).
 */
export interface SchemaValueOptions {
  random: SeededRandom;
  /** Items of a list or entries of a dict: 1..maxItems (within the schema's own bounds). */
  maxItems: number;
  /** Shape of an NdArray whose schema declares none. */
  defaultShape: readonly number[];
  /** Also fill optional fields (those the schema does not require). */
  fillOptional: boolean;
}

/** A field the generator cannot make, with why. */
export interface Unproducible {
  path: string;
  why: string;
}

const MAX_DEPTH = 6;
const WORDS = ['alpha', 'bravo', 'delta', 'river', 'stone', 'cloud', 'green', 'quiet', 'north', 'table', 'music', 'light'];

class CannotProduce extends Error {
  constructor(readonly path: string, readonly why: string) {
    super(`${path}: ${why}`);
  }
}

/**
 * The fields of one document of `schema` (an object schema with `properties`; `$defs` at its
 * root). Problems with required fields are pushed onto `problems` (the document then lacks
 * them); the caller decides whether that is fatal.
 */
export function schemaDocument(schema: JsonObject, options: SchemaValueOptions, problems: Unproducible[]): TypedFields {
  return objectFields(schema, schema, options, '', 0, problems);
}

function objectFields(root: JsonObject, schema: JsonObject, options: SchemaValueOptions, path: string, depth: number, problems: Unproducible[]): TypedFields {
  const properties = isPlainObject(schema.properties) ? (schema.properties as JsonObject) : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
  const fields: TypedFields = {};
  for (const [name, property] of Object.entries(properties)) {
    if (name === 'id') continue;
    const at = path ? `${path}.${name}` : name;
    if (!required.has(name) && !options.fillOptional) continue;
    try {
      fields[name] = valueOf(root, property, options, at, depth);
    } catch (error) {
      if (!(error instanceof CannotProduce)) throw error;
      if (required.has(name)) problems.push({ path: error.path, why: error.why });
    }
  }
  return fields;
}

function valueOf(root: JsonObject, node: JsonValue | undefined, options: SchemaValueOptions, path: string, depth: number): TypedValue {
  if (depth > MAX_DEPTH) throw new CannotProduce(path, `documents nested deeper than ${MAX_DEPTH} levels (a schema that contains itself)`);
  if (node === true || node === undefined || (isPlainObject(node) && Object.keys(node).every((key) => key === 'title' || key === 'description'))) {
    return { kind: 'text', value: words(options.random, 2) }; // Any: a string fits
  }
  if (!isPlainObject(node)) throw new CannotProduce(path, `a schema ${JSON.stringify(node)}`);
  const schema = node as JsonObject;
  const { random } = options;
  if (typeof schema.$ref === 'string') return valueOf(root, resolveRef(root, schema.$ref, path), options, path, depth + 1);
  if ('const' in schema) return typedValueFromJson(schema.const ?? null);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return typedValueFromJson(schema.enum[random.integer(0, schema.enum.length - 1)] ?? null);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const choices = schema[key];
    if (!Array.isArray(choices)) continue;
    const present = choices.filter((choice) => !(isPlainObject(choice) && choice.type === 'null'));
    const reasons: string[] = [];
    for (const choice of present) {
      try {
        return valueOf(root, choice, options, path, depth);
      } catch (error) {
        if (!(error instanceof CannotProduce)) throw error;
        reasons.push(error.why);
      }
    }
    if (present.length === 0) return { kind: 'null' };
    throw new CannotProduce(path, `none of its ${key} alternatives (${reasons.join('; ')})`);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return valueOf(root, schema.allOf[0], options, path, depth);
  if (schema.not !== undefined || Array.isArray(schema.allOf)) throw new CannotProduce(path, 'a schema with `not` or several `allOf` parts');
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (typeof schema['tensor/array shape'] === 'string') return ndArray(schema, options, path);
  switch (type) {
    case 'string':
      return stringValue(schema, random, path);
    case 'integer': {
      const [low, high] = bounds(schema, 0, 1000, true);
      if (low > high) throw new CannotProduce(path, `an integer from ${low} to ${high}`);
      return { kind: 'int', value: random.integer(low, high) };
    }
    case 'number': {
      const [low, high] = bounds(schema, 0, 1, false);
      return { kind: 'float', value: Math.round((low + random.next() * (high - low)) * 1e6) / 1e6 };
    }
    case 'boolean':
      return { kind: 'bool', value: random.next() < 0.5 };
    case 'null':
      return { kind: 'null' };
    case 'array':
      return arrayValue(root, schema, options, path, depth);
    case 'object':
      return objectValue(root, schema, options, path, depth);
    default:
      if (isPlainObject(schema.properties)) return objectValue(root, schema, options, path, depth);
      throw new CannotProduce(path, `a schema of type ${JSON.stringify(schema.type ?? null)}`);
  }
}

function stringValue(schema: JsonObject, random: SeededRandom, path: string): TypedValue {
  if (typeof schema.pattern === 'string') throw new CannotProduce(path, `a string matching the pattern ${JSON.stringify(schema.pattern)}`);
  const hex = (length: number) => Array.from({ length }, () => random.integer(0, 15).toString(16)).join('');
  switch (schema.format) {
    case undefined:
      break;
    case 'binary':
      // ASCII, so the bytes are the same over protobuf (a blob) and JSON (pydantic reads text as UTF-8).
      return { kind: 'bytes', value: new Uint8Array(Buffer.from(words(random, 3), 'latin1')) };
    case 'date-time':
      return { kind: 'text', value: new Date(Date.UTC(2024, 0, 1) + random.integer(0, 365 * 86_400) * 1000).toISOString() };
    case 'date':
      return { kind: 'text', value: new Date(Date.UTC(2024, 0, 1) + random.integer(0, 365) * 86_400_000).toISOString().slice(0, 10) };
    case 'uuid':
      return { kind: 'text', value: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}` };
    case 'email':
      return { kind: 'text', value: `${words(random, 1)}@example.com` };
    case 'uri':
      return { kind: 'text', value: `https://example.com/${words(random, 1)}` };
    default:
      throw new CannotProduce(path, `a string of format ${JSON.stringify(schema.format)}`);
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  let text = words(random, random.integer(2, 6));
  while (text.length < min) text += ` ${words(random, 1)}`;
  text = text.slice(0, max);
  if (text.length < min) throw new CannotProduce(path, `a string from ${min} to ${max} characters`);
  return { kind: 'text', value: text };
}

function arrayValue(root: JsonObject, schema: JsonObject, options: SchemaValueOptions, path: string, depth: number): TypedValue {
  if (Array.isArray(schema.prefixItems)) {
    return { kind: 'list', items: schema.prefixItems.map((item, i) => valueOf(root, item, options, `${path}[${i}]`, depth)) };
  }
  const count = itemCount(schema, 'minItems', 'maxItems', options, path);
  const items: TypedValue[] = [];
  for (let i = 0; i < count; i++) items.push(valueOf(root, schema.items, options, `${path}[${i}]`, depth));
  return { kind: 'list', items };
}

function objectValue(root: JsonObject, schema: JsonObject, options: SchemaValueOptions, path: string, depth: number): TypedValue {
  if (isPlainObject(schema.properties)) {
    // A nested document: its required fields must be made too.
    const problems: Unproducible[] = [];
    const fields = objectFields(root, schema, options, path, depth + 1, problems);
    if (problems.length > 0) throw new CannotProduce(problems[0]!.path, problems[0]!.why);
    return { kind: 'doc', fields };
  }
  const entries: Record<string, TypedValue> = {};
  if (schema.additionalProperties === false) return { kind: 'dict', entries };
  const count = itemCount(schema, 'minProperties', 'maxProperties', options, path);
  for (let i = 0; i < count; i++) {
    const key = `${words(options.random, 1)}_${i}`;
    entries[key] = valueOf(root, isPlainObject(schema.additionalProperties) ? schema.additionalProperties : true, options, `${path}.${key}`, depth);
  }
  return { kind: 'dict', entries };
}

function ndArray(schema: JsonObject, options: SchemaValueOptions, path: string): TypedValue {
  const declared = String(schema['tensor/array shape']);
  let shape: number[] = [...options.defaultShape];
  if (declared !== 'not specified') {
    const parsed: unknown = JSON.parse(declared.replace(/\(/g, '[').replace(/\)/g, ']').replace(/,\s*]/g, ']'));
    // A shape with names or `...` (NdArray['x', 3]) has no size to make.
    if (!Array.isArray(parsed) || !parsed.every((d) => Number.isInteger(d) && (d as number) > 0)) {
      throw new CannotProduce(path, `an NdArray of shape ${declared}`);
    }
    shape = parsed as number[];
  }
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = options.random.next() * 2 - 1;
  return { kind: 'ndarray', tensor: createTensor(values, { shape }) };
}

function itemCount(schema: JsonObject, minKey: string, maxKey: string, options: SchemaValueOptions, path: string): number {
  const min = typeof schema[minKey] === 'number' ? (schema[minKey] as number) : 0;
  const max = typeof schema[maxKey] === 'number' ? (schema[maxKey] as number) : Infinity;
  if (min > max) throw new CannotProduce(path, `from ${min} to ${max} items`);
  // At least one item where the schema allows it, so the items' own fields are exercised.
  const low = Math.min(Math.max(min, 1), max);
  return options.random.integer(low, Math.max(low, Math.min(max, options.maxItems)));
}

function bounds(schema: JsonObject, low: number, high: number, integer: boolean): [number, number] {
  const step = integer ? 1 : 1e-6;
  const num = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const min = num('minimum') ?? (num('exclusiveMinimum') !== undefined ? num('exclusiveMinimum')! + step : undefined);
  const max = num('maximum') ?? (num('exclusiveMaximum') !== undefined ? num('exclusiveMaximum')! - step : undefined);
  const from = min ?? (max !== undefined ? Math.min(low, max) : low);
  const to = max ?? (min !== undefined ? Math.max(high, from + (high - low)) : high);
  return integer ? [Math.ceil(from), Math.floor(to)] : [from, to];
}

function resolveRef(root: JsonObject, ref: string, path: string): JsonValue {
  if (!ref.startsWith('#/')) throw new CannotProduce(path, `a reference outside the schema (${ref})`);
  let node: JsonValue | undefined = root;
  for (const part of ref.slice(2).split('/')) {
    node = isPlainObject(node) ? (node as JsonObject)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (node === undefined) throw new CannotProduce(path, `a reference to ${ref}, which the schema does not define`);
  return node;
}

function words(random: SeededRandom, count: number): string {
  return Array.from({ length: count }, () => WORDS[random.integer(0, WORDS.length - 1)]!).join(' ');
}
