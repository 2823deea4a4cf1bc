import { StressError } from '../errors.ts';
import type { JinaDocument, Tensor, TypedFields, TypedValue } from '../protocol/document.ts';
import type { JsonObject, JsonValue } from '../protocol/json-value.ts';
import { isPlainObject } from '../protocol/struct.ts';
import { describeEndpoint, endpointInputSchema, type EndpointInputSchema } from './endpoint-input-schema.ts';
import type { InputContext, InputSource } from './input-source.ts';
import { typedFieldsFromJson, typedValueFromJson } from './typed-value-from-json.ts';

/**
 * An input's documents put into the fields of the executor's own schema (docarray v2):
 * `map: {<schema field>: <input field>}` — `{text: text}` for a TextDoc, `{tensor: tensor}`
 * for an ImageDoc from random_images, `{title: text, year: tags.year}`. Each mapped document
 * carries only its id and those fields.
 *
 * With the endpoint's input schema (published by the gateway), a field the schema requires
 * that the map does not fill, an input field the documents lack, or a value that does not fit
 * the field's type (text into an integer, an image of another shape than the NdArray
 * declares) is an INPUT error naming the endpoint, the field and the input — before the phase,
 * checked on a whole pass of a finite input (the first document of an endless one). Without a
 * schema (Jina's WebSocket gateway publishes none) values keep their own form.
 */
export function mapInput(source: InputSource, map: Readonly<Record<string, string>>, context: InputContext, inputName: string): InputSource {
  const label = `input ${inputName} with map ${JSON.stringify(map)}`;
  let found: EndpointInputSchema | undefined;
  try {
    found = endpointInputSchema(inputName, context, {});
  } catch (error) {
    // A v1 Flow cannot take typed fields at all; a gateway without schemas can, unchecked.
    if (context.docarray === 'v1') throw error;
  }
  if (found) {
    const required = Array.isArray(found.schema.required) ? found.schema.required.filter((name): name is string => typeof name === 'string' && name !== 'id') : [];
    const missing = required.filter((name) => !Object.hasOwn(map, name));
    const properties = isPlainObject(found.schema.properties) ? (found.schema.properties as JsonObject) : {};
    const unknown = Object.keys(map).filter((name) => !Object.hasOwn(properties, name));
    if (missing.length > 0 || unknown.length > 0) {
      const problems = [
        ...(missing.length > 0 ? [`it requires ${missing.join(', ')}, which the map does not fill`] : []),
        ...(unknown.length > 0 ? [`it has no field ${unknown.join(', ')}`] : []),
      ];
      throw new StressError('INPUT', `${label} does not fit endpoint ${describeEndpoint(found)}: ${problems.join('; ')} [schema from ${found.source}]`, {
        hint: `Its fields: ${Object.keys(properties).filter((name) => name !== 'id').join(', ')}. Map a field of the input onto each required one, or use inputs: {method: schema_documents}, which generates every field.`,
      });
    }
  }
  const mapped = new WeakMap<JinaDocument, JinaDocument>();
  const convert = (doc: JinaDocument): JinaDocument => {
    let out = mapped.get(doc);
    if (!out) {
      out = { id: doc.id, fields: mapFields(doc, map, found, label) };
      // The same object every pass: the encoded-document cache keys on identity.
      mapped.set(doc, out);
    }
    return out;
  };
  // Checked before the phase: a finite input's whole pass (taking `size` documents of a
  // cycling input ends where it began), an endless input's first document.
  const sample = source.take(Number.isFinite(source.size) ? source.size : 1);
  sample.forEach(convert);
  return {
    name: source.name,
    size: source.size,
    take: (count) => source.take(count).map(convert),
    ...(source.close ? { close: () => source.close!() } : {}),
  };
}

function mapFields(doc: JinaDocument, map: Readonly<Record<string, string>>, found: EndpointInputSchema | undefined, label: string): TypedFields {
  const fields: TypedFields = {};
  const properties = found && isPlainObject(found.schema.properties) ? (found.schema.properties as JsonObject) : {};
  const required = new Set(found && Array.isArray(found.schema.required) ? found.schema.required : []);
  for (const [field, from] of Object.entries(map)) {
    const value = sourceValue(doc, from);
    const fail = (why: string) =>
      new StressError('INPUT', `${label}: document ${doc.id}: ${why}${found ? ` (endpoint ${describeEndpoint(found)})` : ''}`, {
        hint: 'Map an input field that holds a value of the field\'s type, or use inputs: {method: schema_documents}.',
      });
    if (value === undefined) {
      if (required.has(field)) throw fail(`${from} is not set, and ${field} is required`);
      continue;
    }
    const schema = found ? resolve(found.schema, properties[field]) : undefined;
    const typed = toTyped(value, schema, found?.schema);
    if (typeof typed === 'string') throw fail(`${from} cannot fill ${field}: ${typed}`);
    fields[field] = typed;
  }
  return fields;
}

type SourceValue = string | number | boolean | Tensor | Uint8Array | JsonValue;

function sourceValue(doc: JinaDocument, from: string): SourceValue | undefined {
  if (from.startsWith('tags.')) return doc.tags?.[from.slice(5)] ?? undefined;
  const key = from === 'mime_type' ? 'mimeType' : from;
  return doc[key as keyof JinaDocument] as SourceValue | undefined;
}

function isTensor(value: unknown): value is Tensor {
  return isPlainObject(value) && value.buffer instanceof Uint8Array && Array.isArray(value.shape) && typeof value.dtype === 'string';
}

/** The value in the form the field's schema wants, or why it does not fit. */
function toTyped(value: SourceValue, schema: JsonObject | undefined, root: JsonObject | undefined): TypedValue | string {
  if (schema && typeof schema['tensor/array shape'] === 'string') {
    if (!isTensor(value)) return `an NdArray field needs a tensor, got ${describe(value)}`;
    const declared = schema['tensor/array shape'];
    const shape = `[${value.shape.join(', ')}]`;
    if (declared !== 'not specified' && declared.replace(/\s/g, '') !== shape.replace(/\s/g, '')) return `the tensor has shape ${shape}, the field is NdArray${declared}`;
    return { kind: 'ndarray', tensor: value };
  }
  if (value instanceof Uint8Array) return schema && schema.format !== 'binary' && schema.type !== undefined ? `bytes do not fit ${typeName(schema)}` : { kind: 'bytes', value };
  if (isTensor(value)) return schema && schema.type !== undefined ? `a tensor does not fit ${typeName(schema)}` : { kind: 'ndarray', tensor: value };
  const type = schema ? (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type) : undefined;
  switch (type) {
    case undefined:
      return typedValueFromJson(value as JsonValue);
    case 'string':
      if (typeof value !== 'string') return `${describe(value)} is not a string`;
      return schema?.format === 'binary' ? { kind: 'bytes', value: new Uint8Array(Buffer.from(value, 'utf8')) } : { kind: 'text', value };
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? { kind: 'int', value } : `${describe(value)} is not an integer`;
    case 'number':
      return typeof value === 'number' ? { kind: 'float', value } : `${describe(value)} is not a number`;
    case 'boolean':
      return typeof value === 'boolean' ? { kind: 'bool', value } : `${describe(value)} is not a boolean`;
    case 'array':
      return Array.isArray(value) ? typedValueFromJson(value) : `${describe(value)} is not a list`;
    case 'object':
      if (!isPlainObject(value)) return `${describe(value)} is not an object`;
      return isPlainObject(schema?.properties) && root ? { kind: 'doc', fields: typedFieldsFromJson(value as JsonObject) } : typedValueFromJson(value as JsonValue);
    default:
      return `${typeName(schema!)} is not a type a mapped field can fill`;
  }
}

/** A property's schema with `$ref` and a nullable `anyOf` resolved. */
function resolve(root: JsonObject, node: JsonValue | undefined): JsonObject | undefined {
  for (let hops = 0; hops < 10 && isPlainObject(node); hops++) {
    const schema = node as JsonObject;
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/$defs/')) {
      node = (root.$defs as JsonObject | undefined)?.[schema.$ref.slice('#/$defs/'.length)];
    } else if (Array.isArray(schema.anyOf)) {
      node = schema.anyOf.find((choice) => !(isPlainObject(choice) && choice.type === 'null'));
    } else {
      return schema;
    }
  }
  return undefined;
}

function typeName(schema: JsonObject): string {
  return typeof schema['tensor/array shape'] === 'string' ? 'an NdArray' : `a field of type ${JSON.stringify(schema.type ?? schema.title ?? 'unknown')}`;
}

function describe(value: SourceValue): string {
  if (isTensor(value)) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}…` : json;
}
