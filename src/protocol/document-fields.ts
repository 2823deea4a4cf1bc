import { StressError } from '../errors.ts';
import type { DecodedDocV2, DecodedNode } from './decoded-doc-v2.ts';
import type { JinaDocument } from './document.ts';
import { NdArrayValue, type FieldObject, type FieldValue } from './field-value.ts';
import type { JsonValue } from './json-value.ts';
import { isPlainObject } from './struct.ts';
import { elementCount, tensorToNested, tensorValues } from './tensor.ts';
import { tensorFromNdArray } from './tensor-message.ts';

export { NdArrayValue, type FieldObject, type FieldValue } from './field-value.ts';

/** NodeProto's content members that decode to a value (`content` unset is Python None). */
const knownContents = new Set(['text', 'integer', 'float', 'boolean', 'blob', 'ndarray', 'doc', 'docArray', 'list', 'set', 'tuple', 'dict']);

/** Every field of a DocProto, by its schema name. A node that cannot be decoded is a PROTOCOL_DECODE error naming its path. */
export function fieldsFromV2Message(message: DecodedDocV2, path: string): FieldObject {
  return nodeMapToValues(message.data, path, ndArrayField);
}

/** A NodeProto as a field value; NdArrays keep dtype and shape (NdArrayValue). */
export function nodeToField(node: DecodedNode, path: string): FieldValue {
  return nodeToValue(node, path, ndArrayField);
}

/**
 * A NodeProto as plain JSON (what the model's `tags` and `scores` hold): the same decoding as
 * `nodeToField`, with NdArrays as bare nested lists, bytes base64, docs their field objects.
 */
export function nodeToJson(node: DecodedNode, path: string): JsonValue {
  return nodeToValue(node, path, ndArrayJson) as JsonValue;
}

/** How an NdArray node reads: `ndArrayField` (checks) or `ndArrayJson` (model JSON); everything else is shared. */
type NdArrayReader = (node: DecodedNode, path: string) => FieldValue;

function nodeToValue(node: DecodedNode, path: string, ndarray: NdArrayReader): FieldValue {
  const content = node.content;
  if (!content) return null;
  if (!knownContents.has(content)) throw undecodable(path, `an unknown NodeProto member "${content}"`);
  switch (content) {
    case 'text':
      return node.text ?? '';
    case 'integer':
      return node.integer ?? 0;
    case 'float':
      return node.float ?? 0;
    case 'boolean':
      return node.boolean ?? false;
    case 'blob':
      return Buffer.from(node.blob ?? []).toString('base64');
    case 'ndarray':
      return ndarray(node, path);
    case 'doc':
      return nodeMapToValues(node.doc?.data, path, ndarray);
    case 'docArray':
      return (node.docArray?.docs ?? []).map((doc, i) => nodeMapToValues(doc.data, `${path}[${i}]`, ndarray));
    case 'dict':
      return nodeMapToValues(node.dict?.data, path, ndarray);
    default: {
      const items = node[content as 'list' | 'set' | 'tuple']?.data ?? [];
      return items.map((item, i) => nodeToValue(item, `${path}[${i}]`, ndarray));
    }
  }
}

function nodeMapToValues(data: Record<string, DecodedNode> | undefined, path: string, ndarray: NdArrayReader): FieldObject {
  const out: FieldObject = {};
  for (const [key, child] of Object.entries(data ?? {})) out[key] = nodeToValue(child, `${path}.${key}`, ndarray);
  return out;
}

function ndArrayJson(node: DecodedNode, path: string): JsonValue {
  return ndArrayField(node, path).values;
}

function ndArrayField(node: DecodedNode, path: string): NdArrayValue {
  try {
    const tensor = tensorFromNdArray(node.ndarray ?? {}, path);
    // Counted from the bytes: the nested lists are built to the shape's size, so counting
    // their leaves could not see a buffer too short for the shape (it left holes).
    const count = tensorValues(tensor).length;
    if (count !== elementCount(tensor.shape)) throw new Error(`shape [${tensor.shape.join(', ')}] does not fit ${count} values of ${tensor.dtype}`);
    return new NdArrayValue(tensor.dtype, tensor.shape, tensorToNested(tensor));
  } catch (error) {
    throw undecodable(path, `an NdArray (${(error as Error).message})`, error);
  }
}

function undecodable(path: string, what: string, cause?: unknown): StressError {
  return new StressError('PROTOCOL_DECODE', `field ${path} cannot be decoded: ${what}`, {
    hint: 'The gateway sent a value this client cannot read; the other fields are intact. Report the executor\'s schema for this field.',
    cause,
  });
}

/** Where a document's fields come from, until first read; then the decoded fields. */
const pendingFields = new WeakMap<JinaDocument, () => FieldObject>();
const decodedFields = new WeakMap<JinaDocument, FieldObject>();

/**
 * Remembers how to decode `doc`'s fields; `documentFieldValues` decodes them on first read
 * and keeps them. A WeakMap entry, not a getter on the document: defining a property per
 * document made every decode slower, and documents nobody inspects must cost nothing extra.
 */
export function attachLazyFields(doc: JinaDocument, decode: () => FieldObject): void {
  pendingFields.set(doc, decode);
}

/** `fields` of a JSON document (HTTP): the object as it came, nothing to decode. */
export function attachJsonFields(doc: JinaDocument, json: Record<string, unknown>): void {
  decodedFields.set(doc, json as FieldObject);
}

/** The fields the gateway sent for `doc` (docarray v2), decoded now if not yet; undefined for other documents. */
export function sentFields(doc: JinaDocument): FieldObject | undefined {
  let fields = decodedFields.get(doc);
  if (fields) return fields;
  const decode = pendingFields.get(doc);
  if (!decode) return undefined;
  fields = decode();
  decodedFields.set(doc, fields);
  pendingFields.delete(doc);
  return fields;
}

/**
 * Every field of a returned document as checks see it: what the gateway sent (
 * docarray v2), else the model's fields in docarray's JSON names (v1 documents).
 */
export function documentFieldValues(doc: JinaDocument): FieldObject {
  const sent = sentFields(doc);
  if (sent) return sent;
  const out: FieldObject = {};
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    if (key === 'tensor' || key === 'embedding') {
      const tensor = value as NonNullable<JinaDocument['tensor']>;
      out[key] = new NdArrayValue(tensor.dtype, tensor.shape, tensorToNested(tensor));
    } else if (key === 'chunks' || key === 'matches') {
      out[key] = (value as JinaDocument[]).map(documentFieldValues);
    } else if (key === 'blob') {
      out.blob = Buffer.from(value as Uint8Array).toString('base64');
    } else if (key === 'scores') {
      out.scores = Object.fromEntries(Object.entries(value as NonNullable<JinaDocument['scores']>).map(([name, score]) => [name, { value: score.value }]));
    } else if (isPlainObject(value) || typeof value !== 'object') {
      out[key] = value as FieldValue;
    }
  }
  return out;
}
