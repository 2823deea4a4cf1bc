import { StressError } from '../errors.ts';
import type { JinaDocument, NamedScore } from './document.ts';
import { attachLazyFields, fieldsFromV2Message, nodeToJson } from './document-fields.ts';
import type { JsonObject, JsonValue } from './json-value.ts';
import { isPlainObject, unrepresentable } from './struct.ts';
import type { DecodedDocV2 } from './decoded-doc-v2.ts';
import type { DocMessageV2, NodeMessage } from './node-message.ts';
import { tensorFromNdArray, tensorToDense } from './tensor-message.ts';
import { typedFieldsToNodes } from './typed-value.ts';

export type { DecodedDocV2, DecodedNode } from './decoded-doc-v2.ts';
export type { DocMessageV2, NodeMessage } from './node-message.ts';

/**
 * JinaDocument ↔ docarray v2 DocProto, with the field names of docarray's LegacyDocument
 * (`id, tensor, chunks, matches, blob, text, url, embedding, tags, scores`), encoded the way
 * docarray's `to_protobuf` does: id → {text, type: 'id'}; tensor → {ndarray, type: 'ndarray'};
 * embedding → {ndarray, type: 'ndarray_embedding'}; chunks/matches → doc_array; tags → dict.
 *
 * What v2 (LegacyDocument) cannot carry: `mimeType`, `parentId`, `granularity`, `adjacency`,
 * `weight`, `modality` (not encoded). `uri` travels as `url`. Scores travel as a bare number
 * per name (`{cosine: 0.93}`, what LegacyDocument executors write) when only the value is set,
 * else as a dict `{name: {value, op_name?, description?, ref_id?}}`; both are read.
 * Tag numbers: integers within int32 go as `integer`, others as `float` (a double), so a
 * Python executor sees 2.0 as int 2. On decode, the LegacyDocument fields fill the model, and
 * every field (a typed schema's `hits`, `scores`, …) is in `fields`, decoded on first read.
 */
const int32Min = -(2 ** 31);
const int32Max = 2 ** 31 - 1;

export function documentToV2Message(doc: JinaDocument, path = 'doc'): DocMessageV2 {
  const data: Record<string, NodeMessage> = { id: { text: doc.id, type: 'id' } };
  if (doc.tensor !== undefined) data.tensor = { ndarray: { dense: tensorToDense(doc.tensor) }, type: 'ndarray' };
  if (doc.chunks?.length) data.chunks = { docArray: { docs: doc.chunks.map((c, i) => documentToV2Message(c, `${path}.chunks[${i}]`)) } };
  if (doc.matches?.length) data.matches = { docArray: { docs: doc.matches.map((m, i) => documentToV2Message(m, `${path}.matches[${i}]`)) } };
  if (doc.blob !== undefined) data.blob = { blob: doc.blob };
  if (doc.text !== undefined) data.text = { text: doc.text };
  if (doc.uri !== undefined) data.url = { text: doc.uri };
  if (doc.embedding !== undefined) data.embedding = { ndarray: { dense: tensorToDense(doc.embedding) }, type: 'ndarray_embedding' };
  if (doc.tags !== undefined) data.tags = jsonToNode(doc.tags, `${path}.tags`, new Set());
  if (doc.scores !== undefined) {
    const scores: Record<string, NodeMessage> = {};
    for (const [name, score] of Object.entries(doc.scores)) scores[name] = scoreToNode(score);
    data.scores = { dict: { data: scores } };
  }
  // A typed schema's fields (schema_documents, an input's `map`), each in its wire form; a
  // typed field of a legacy name (`text`, `tensor`) replaces the legacy one.
  if (doc.fields !== undefined) Object.assign(data, typedFieldsToNodes(doc.fields, path));
  return { data };
}

function scoreToNode(score: NamedScore): NodeMessage {
  // A score that is only a value goes as the bare number LegacyDocument executors write
  // (`scores={'cosine': 0.93}`, as Jina 3.34 sends it); richer ones as a dict.
  if (score.opName === undefined && score.description === undefined && score.refId === undefined) return { float: score.value };
  const data: Record<string, NodeMessage> = { value: { float: score.value } };
  if (score.opName) data.op_name = { text: score.opName };
  if (score.description) data.description = { text: score.description };
  if (score.refId) data.ref_id = { text: score.refId };
  return { dict: { data } };
}

/** A JSON value as a NodeProto; what a node cannot carry is a PROTOCOL_ENCODE error. */
export function jsonToNode(value: unknown, path: string, ancestors: Set<object>): NodeMessage {
  const target = 'a docarray v2 NodeProto';
  switch (typeof value) {
    case 'string':
      return { text: value };
    case 'boolean':
      return { boolean: value };
    case 'number':
      if (!Number.isFinite(value)) throw unrepresentable(path, value, 'JSON has no NaN or Infinity', target);
      return Number.isInteger(value) && value >= int32Min && value <= int32Max ? { integer: value } : { float: value };
    case 'object': {
      if (value === null) return {};
      if (ancestors.has(value)) throw unrepresentable(path, value, 'the value contains itself (a cycle)', target);
      ancestors.add(value);
      let node: NodeMessage;
      if (Array.isArray(value)) {
        node = { list: { data: value.map((item, i) => jsonToNode(item, `${path}[${i}]`, ancestors)) } };
      } else if (isPlainObject(value)) {
        const data: Record<string, NodeMessage> = {};
        for (const key of Object.keys(value)) data[key] = jsonToNode(value[key], `${path}.${key}`, ancestors);
        node = { dict: { data } };
      } else {
        throw unrepresentable(path, value, 'only plain objects, arrays and JSON scalars fit', target);
      }
      ancestors.delete(value);
      return node;
    }
    default:
      throw unrepresentable(path, value, `a ${typeof value} has no node form`, target);
  }
}

export function documentFromV2Message(message: DecodedDocV2, path = 'doc'): JinaDocument {
  const fields = message.data ?? {};
  const doc: JinaDocument = { id: fields.id?.text ?? '' };
  for (const [name, node] of Object.entries(fields)) {
    if (!node.content) continue; // Python None
    const at = `${path}.${name}`;
    switch (name) {
      case 'text':
        if (node.content === 'text') doc.text = node.text;
        break;
      case 'url':
        if (node.content === 'text') doc.uri = node.text;
        break;
      case 'blob':
        if (node.content === 'blob') doc.blob = node.blob;
        break;
      case 'tensor':
        if (node.ndarray) doc.tensor = tensorFromNdArray(node.ndarray, at);
        break;
      case 'embedding':
        if (node.ndarray) doc.embedding = tensorFromNdArray(node.ndarray, at);
        break;
      case 'chunks':
        if (node.content !== 'docArray') break;
        doc.chunks = (node.docArray?.docs ?? []).map((d, i) => documentFromV2Message(d, `${at}[${i}]`));
        break;
      case 'matches':
        if (node.content !== 'docArray') break;
        doc.matches = (node.docArray?.docs ?? []).map((d, i) => documentFromV2Message(d, `${at}[${i}]`));
        break;
      // A typed schema may use these names for other shapes (`scores: List[float]`): only
      // LegacyDocument's shape fills the model; every shape is in `fields`.
      case 'tags':
        if (node.content === 'dict') doc.tags = expectObject(nodeToJson(node, at), at);
        break;
      case 'scores':
        if (node.content === 'dict') doc.scores = scoresFromJson(expectObject(nodeToJson(node, at), at));
        break;
    }
  }
  attachLazyFields(doc, () => fieldsFromV2Message(message, path));
  return doc;
}

function expectObject(value: JsonValue, path: string): JsonObject {
  if (isPlainObject(value)) return value as JsonObject;
  throw new StressError('PROTOCOL_DECODE', `${path}: expected a dict node, got ${JSON.stringify(value)?.slice(0, 80)}`);
}

/** `{name: number}` or `{name: {value, op_name?, ...}}` → NamedScores (also used for JSON). */
export function scoresFromJson(json: JsonObject): Record<string, NamedScore> {
  const scores: Record<string, NamedScore> = {};
  for (const [name, entry] of Object.entries(json)) {
    if (typeof entry === 'number') {
      scores[name] = { value: entry };
    } else if (isPlainObject(entry)) {
      const fields = entry as JsonObject;
      const score: NamedScore = { value: Number(fields.value ?? 0) };
      const opName = fields.op_name ?? fields.opName;
      const refId = fields.ref_id ?? fields.refId;
      if (typeof opName === 'string' && opName) score.opName = opName;
      if (typeof fields.description === 'string' && fields.description) score.description = fields.description;
      if (typeof refId === 'string' && refId) score.refId = refId;
      scores[name] = score;
    }
  }
  return scores;
}
