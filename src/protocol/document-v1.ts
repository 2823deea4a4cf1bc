import type { JinaDocument, NamedScore } from './document.ts';
import { jsonToStruct, structToJson, type StructMessage } from './struct.ts';
import { typedFieldsInV1 } from './typed-value.ts';
import { tensorFromNdArray, tensorToDense, type DecodedNdArray, type DenseMessage } from './tensor-message.ts';

/**
 * JinaDocument ↔ docarray v1 DocumentProto (field numbers: docs/jina-protocols.md §1.9).
 *
 * What v1 cannot carry, or this model does not read:
 * - DocumentProto `offset`, `location`, `evaluations`, `_metadata` are not in the model (ignored on decode).
 * - Sparse tensors: decoding one is a PROTOCOL_DECODE error.
 * - `weight` and score values are float32 on the wire (0.1 comes back as 0.10000000149).
 * - proto3 cannot tell 0 / '' from absent: `granularity: 0`, `parentId: ''` decode as absent.
 */
export interface DocumentMessageV1 {
  id?: string;
  blob?: Uint8Array;
  tensor?: NdArrayMessageV1;
  text?: string;
  granularity?: number;
  adjacency?: number;
  parentId?: string;
  weight?: number;
  uri?: string;
  modality?: string;
  mimeType?: string;
  chunks?: DocumentMessageV1[];
  matches?: DocumentMessageV1[];
  embedding?: NdArrayMessageV1;
  tags?: StructMessage;
  scores?: Record<string, NamedScoreMessage>;
}

interface NdArrayMessageV1 {
  dense: DenseMessage;
  clsName: string;
}

interface NamedScoreMessage {
  value?: number;
  opName?: string;
  description?: string;
  refId?: string;
}

/** The JinaDocument as an encode-ready DocumentProto object; `path` names it in errors. */
export function documentToV1Message(doc: JinaDocument, path = 'doc'): DocumentMessageV1 {
  if (doc.fields !== undefined) throw typedFieldsInV1(path, doc.fields);
  const message: DocumentMessageV1 = {};
  if (doc.id) message.id = doc.id;
  // `content` is a oneof: the first of blob, tensor, text wins, as in docarray v1.
  if (doc.blob !== undefined) message.blob = doc.blob;
  else if (doc.tensor !== undefined) message.tensor = { dense: tensorToDense(doc.tensor), clsName: 'numpy' };
  else if (doc.text !== undefined) message.text = doc.text;
  if (doc.granularity) message.granularity = doc.granularity;
  if (doc.adjacency) message.adjacency = doc.adjacency;
  if (doc.parentId) message.parentId = doc.parentId;
  if (doc.weight) message.weight = doc.weight;
  if (doc.uri) message.uri = doc.uri;
  if (doc.modality) message.modality = doc.modality;
  if (doc.mimeType) message.mimeType = doc.mimeType;
  if (doc.chunks?.length) message.chunks = doc.chunks.map((chunk, i) => documentToV1Message(chunk, `${path}.chunks[${i}]`));
  if (doc.matches?.length) message.matches = doc.matches.map((match, i) => documentToV1Message(match, `${path}.matches[${i}]`));
  if (doc.embedding !== undefined) message.embedding = { dense: tensorToDense(doc.embedding), clsName: 'numpy' };
  if (doc.tags !== undefined) message.tags = jsonToStruct(doc.tags, `${path}.tags`);
  if (doc.scores !== undefined) {
    const scores: Record<string, NamedScoreMessage> = {};
    for (const [name, score] of Object.entries(doc.scores)) scores[name] = scoreToMessage(score);
    message.scores = scores;
  }
  return message;
}

function scoreToMessage(score: NamedScore): NamedScoreMessage {
  const message: NamedScoreMessage = { value: score.value };
  if (score.opName) message.opName = score.opName;
  if (score.description) message.description = score.description;
  if (score.refId) message.refId = score.refId;
  return message;
}

/** A decoded DocumentProto: protobufjs sets own properties only for fields on the wire. */
export interface DecodedDocumentV1 extends Omit<DocumentMessageV1, 'tensor' | 'embedding' | 'chunks' | 'matches'> {
  content?: 'blob' | 'tensor' | 'text';
  tensor?: DecodedNdArray;
  embedding?: DecodedNdArray;
  chunks?: DecodedDocumentV1[];
  matches?: DecodedDocumentV1[];
}

export function documentFromV1Message(message: DecodedDocumentV1, path = 'doc'): JinaDocument {
  const doc: JinaDocument = { id: message.id ?? '' };
  switch (message.content) {
    case 'blob':
      doc.blob = message.blob;
      break;
    case 'tensor':
      if (message.tensor) doc.tensor = tensorFromNdArray(message.tensor, `${path}.tensor`);
      break;
    case 'text':
      doc.text = message.text;
      break;
  }
  if (message.granularity) doc.granularity = message.granularity;
  if (message.adjacency) doc.adjacency = message.adjacency;
  if (message.parentId) doc.parentId = message.parentId;
  if (message.weight) doc.weight = message.weight;
  if (message.uri) doc.uri = message.uri;
  if (message.modality) doc.modality = message.modality;
  if (message.mimeType) doc.mimeType = message.mimeType;
  if (message.chunks?.length) doc.chunks = message.chunks.map((c, i) => documentFromV1Message(c, `${path}.chunks[${i}]`));
  if (message.matches?.length) doc.matches = message.matches.map((m, i) => documentFromV1Message(m, `${path}.matches[${i}]`));
  if (message.embedding) doc.embedding = tensorFromNdArray(message.embedding, `${path}.embedding`);
  if (message.tags) doc.tags = structToJson(message.tags);
  if (message.scores && Object.keys(message.scores).length > 0) {
    const scores: Record<string, NamedScore> = {};
    for (const [name, score] of Object.entries(message.scores)) scores[name] = scoreFromMessage(score);
    doc.scores = scores;
  }
  return doc;
}

function scoreFromMessage(message: NamedScoreMessage): NamedScore {
  const score: NamedScore = { value: message.value ?? 0 };
  if (message.opName) score.opName = message.opName;
  if (message.description) score.description = message.description;
  if (message.refId) score.refId = message.refId;
  return score;
}
