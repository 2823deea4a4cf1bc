import { StressError } from '../errors.ts';
import type { DocarrayVersion, JinaDocument, Tensor } from './document.ts';
import type { JsonObject, JsonValue } from './json-value.ts';
import { scoresFromJson } from './document-v2.ts';
import { attachJsonFields } from './document-fields.ts';
import { isPlainObject } from './struct.ts';
import { tensorFromNested, tensorToNested } from './tensor.ts';
import { typedFieldsInV1, typedFieldsToJson } from './typed-value.ts';

/**
 * How a DataRequest looks in JSON (docs/jina-protocols-verified.md §3-4):
 * - `http`: the HTTP gateway. docarray v1: JinaResponseModel, camelCase header and route keys,
 *   `+00:00` timestamps; docarray v2: only `{data, parameters, header: {request_id,
 *   target_executor}}`.
 * - `websocket`: WebSocket JSON mode (v1 only) — protobuf `MessageToDict(preserving_proto_field_name,
 *   use_integers_for_enums)`: snake_case keys, `Z` timestamps, defaults omitted.
 * Documents are snake_case in both styles (docarray's pydantic models): tensors and embeddings
 * as nested number lists (JSON carries no dtype), blobs base64; docarray v2 documents use
 * LegacyDocument's field names (`url`, not `uri`).
 */
export type JsonStyle = 'http' | 'websocket';

/**
 * `minimal`: only the fields that are set (what a client sends). `full`: the gateway's
 * response model, every field present and `null` when unset, with docarray's quirks — v1's
 * one content field (blob, else tensor, else text); v2 scores as bare numbers.
 */
export type DocumentJsonForm = 'minimal' | 'full';

const v1FieldOrder = [
  'id', 'parent_id', 'granularity', 'adjacency', 'blob', 'tensor', 'mime_type', 'text', 'weight', 'uri', 'tags',
  'offset', 'location', 'embedding', 'modality', 'evaluations', 'scores', 'chunks', 'matches',
] as const;
const v2FieldOrder = ['id', 'tensor', 'chunks', 'matches', 'blob', 'text', 'url', 'embedding', 'tags', 'scores'] as const;

/** Model keys whose JSON spelling is snake_case (what docarray's models and MessageToDict write). */
const snakeKeys: Record<string, string> = {
  mimeType: 'mime_type',
  parentId: 'parent_id',
  opName: 'op_name',
  refId: 'ref_id',
};

export function documentToJson(doc: JinaDocument, docarray: DocarrayVersion, form: DocumentJsonForm = 'minimal'): JsonObject {
  const json = docarray === 'v1' ? documentToV1Json(doc, form) : documentToV2Json(doc, form);
  if (form === 'minimal') return json;
  const order = docarray === 'v1' ? v1FieldOrder : v2FieldOrder;
  return Object.fromEntries(order.map((key) => [key, json[key] ?? null]));
}

function documentToV1Json(doc: JinaDocument, form: DocumentJsonForm): JsonObject {
  if (doc.fields !== undefined) throw typedFieldsInV1(`doc ${doc.id}`, doc.fields);
  const json: JsonObject = { id: doc.id };
  if (form === 'full') {
    // DocumentProto's `content` oneof keeps one of blob, tensor, text.
    if (doc.blob !== undefined) json.blob = Buffer.from(doc.blob).toString('base64');
    else if (doc.tensor !== undefined) json.tensor = tensorToNested(doc.tensor);
    else if (doc.text !== undefined) json.text = doc.text;
  } else {
    if (doc.text !== undefined) json.text = doc.text;
    if (doc.blob !== undefined) json.blob = Buffer.from(doc.blob).toString('base64');
    if (doc.tensor !== undefined) json.tensor = tensorToNested(doc.tensor);
  }
  if (doc.embedding !== undefined) json.embedding = tensorToNested(doc.embedding);
  if (doc.uri !== undefined) json.uri = doc.uri;
  if (doc.mimeType !== undefined) json.mime_type = doc.mimeType;
  if (doc.parentId !== undefined) json.parent_id = doc.parentId;
  if (doc.granularity !== undefined) json.granularity = doc.granularity;
  if (doc.adjacency !== undefined) json.adjacency = doc.adjacency;
  if (doc.weight !== undefined) json.weight = doc.weight;
  if (doc.modality !== undefined) json.modality = doc.modality;
  if (doc.tags !== undefined) json.tags = doc.tags;
  if (doc.chunks !== undefined) json.chunks = doc.chunks.map((chunk) => documentToJson(chunk, 'v1', form));
  if (doc.matches !== undefined) json.matches = doc.matches.map((match) => documentToJson(match, 'v1', form));
  if (doc.scores !== undefined) json.scores = scoresToJson(doc.scores, form);
  return json;
}

function documentToV2Json(doc: JinaDocument, form: DocumentJsonForm): JsonObject {
  const json: JsonObject = { id: doc.id };
  if (doc.tensor !== undefined) json.tensor = tensorToNested(doc.tensor);
  if (doc.chunks !== undefined) json.chunks = doc.chunks.map((chunk) => documentToJson(chunk, 'v2', form));
  if (doc.matches !== undefined) json.matches = doc.matches.map((match) => documentToJson(match, 'v2', form));
  if (doc.blob !== undefined) json.blob = Buffer.from(doc.blob).toString('base64');
  if (doc.text !== undefined) json.text = doc.text;
  if (doc.uri !== undefined) json.url = doc.uri;
  if (doc.embedding !== undefined) json.embedding = tensorToNested(doc.embedding);
  if (doc.tags !== undefined) json.tags = doc.tags;
  if (doc.scores !== undefined) json.scores = form === 'full' ? bareScores(doc.scores) : scoresToJson(doc.scores, 'minimal');
  if (doc.fields !== undefined) Object.assign(json, typedFieldsToJson(doc.fields));
  return json;
}

function scoresToJson(scores: NonNullable<JinaDocument['scores']>, form: DocumentJsonForm): JsonObject {
  const json: JsonObject = {};
  for (const [name, score] of Object.entries(scores)) {
    const entry: JsonObject = { value: score.value };
    if (form === 'full' || score.opName !== undefined) entry.op_name = score.opName ?? null;
    if (form === 'full' || score.description !== undefined) entry.description = score.description ?? null;
    if (form === 'full' || score.refId !== undefined) entry.ref_id = score.refId ?? null;
    json[name] = entry;
  }
  return json;
}

/** LegacyDocument's `scores` is a plain dict: `{"cosine": 0.93}`. */
function bareScores(scores: NonNullable<JinaDocument['scores']>): JsonObject {
  return Object.fromEntries(Object.entries(scores).map(([name, score]) => [name, score.value]));
}

/**
 * A document from JSON, tolerant of every spelling a Jina gateway or client produces:
 * camelCase or snake_case keys, `uri` or `url`, tensors as nested lists or as
 * MessageToDict's `{dense: {buffer (base64), shape, dtype}}`, nulls for absent fields.
 */
export function documentFromJson(json: unknown, docarray: DocarrayVersion, path = 'doc'): JinaDocument {
  if (!isPlainObject(json)) throw notJson(path, 'a document object', json);
  const field = (camel: string): unknown => json[camel] ?? (snakeKeys[camel] ? json[snakeKeys[camel]] : undefined);
  const doc: JinaDocument = { id: typeof json.id === 'string' ? json.id : json.id == null ? '' : String(json.id) };
  const text = field('text');
  if (typeof text === 'string') doc.text = text;
  const blob = field('blob');
  if (typeof blob === 'string') doc.blob = new Uint8Array(Buffer.from(blob, 'base64'));
  const tensor = field('tensor');
  if (tensor != null) doc.tensor = tensorFromJson(tensor, `${path}.tensor`);
  const embedding = field('embedding');
  if (embedding != null) doc.embedding = tensorFromJson(embedding, `${path}.embedding`);
  const uri = json.uri ?? json.url;
  if (typeof uri === 'string') doc.uri = uri;
  for (const name of ['mimeType', 'parentId', 'modality'] as const) {
    const value = field(name);
    if (typeof value === 'string') doc[name] = value;
  }
  for (const name of ['granularity', 'adjacency', 'weight'] as const) {
    const value = field(name);
    if (typeof value === 'number') doc[name] = value;
  }
  const tags = field('tags');
  if (isPlainObject(tags)) doc.tags = tags as JsonObject;
  const chunks = field('chunks');
  if (Array.isArray(chunks)) doc.chunks = chunks.map((c, i) => documentFromJson(c, docarray, `${path}.chunks[${i}]`));
  const matches = field('matches');
  if (Array.isArray(matches)) doc.matches = matches.map((m, i) => documentFromJson(m, docarray, `${path}.matches[${i}]`));
  const scores = field('scores');
  if (isPlainObject(scores)) doc.scores = scoresFromJson(scores as JsonObject);
  // docarray v2 over HTTP: the endpoint's output model as JSON, every field of its schema.
  if (docarray === 'v2') attachJsonFields(doc, json);
  return doc;
}

function tensorFromJson(json: unknown, path: string): Tensor {
  if (Array.isArray(json) || typeof json === 'number') return tensorFromNested(json);
  if (isPlainObject(json) && isPlainObject(json.dense)) {
    const dense = json.dense as JsonObject;
    return {
      dtype: String(dense.dtype ?? ''),
      shape: Array.isArray(dense.shape) ? dense.shape.map(Number) : [],
      buffer: new Uint8Array(Buffer.from(String(dense.buffer ?? ''), 'base64')),
    };
  }
  throw notJson(path, 'a tensor (nested number lists or {dense: {buffer, shape, dtype}})', json);
}

export function notJson(path: string, expected: string, received: unknown): StressError {
  const shown = JSON.stringify(received as JsonValue)?.slice(0, 80) ?? String(received);
  return new StressError('PROTOCOL_DECODE', `${path}: expected ${expected}, got ${shown}`);
}
