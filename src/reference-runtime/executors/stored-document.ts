import type { JinaDocument, Tensor } from '../../protocol/document.ts';
import type { JsonObject } from '../../protocol/json-value.ts';

/** What an indexer keeps of a document: never its content unless asked (memory stays small). */
export interface StoredDocument {
  id: string;
  tags?: JsonObject;
  text?: string;
  mimeType?: string;
  uri?: string;
  tensor?: Tensor;
  blob?: Uint8Array;
}

export function storedFrom(doc: JinaDocument, keepContent: boolean): StoredDocument {
  const stored: StoredDocument = { id: doc.id };
  if (doc.tags) stored.tags = doc.tags;
  if (doc.text !== undefined) stored.text = doc.text;
  if (doc.mimeType) stored.mimeType = doc.mimeType;
  if (doc.uri) stored.uri = doc.uri;
  if (keepContent && doc.tensor) stored.tensor = doc.tensor;
  if (keepContent && doc.blob) stored.blob = doc.blob;
  return stored;
}

/** A persisted line: binary fields as base64 so the workspace file stays plain JSON lines. */
export function storedToJson(stored: StoredDocument, embedding: Float32Array | undefined): string {
  const line: Record<string, unknown> = { ...stored };
  if (stored.tensor) line.tensor = { ...stored.tensor, buffer: toBase64(stored.tensor.buffer) };
  if (stored.blob) line.blob = toBase64(stored.blob);
  if (embedding) line.embedding = toBase64(new Uint8Array(embedding.buffer, embedding.byteOffset, embedding.byteLength));
  return JSON.stringify(line);
}

export function storedFromJson(text: string): { stored: StoredDocument; embedding?: Float32Array } {
  const line = JSON.parse(text) as Record<string, unknown> & StoredDocument;
  const { embedding, tensor, blob, ...rest } = line as Record<string, unknown>;
  const stored: StoredDocument = rest as unknown as StoredDocument;
  if (isTensorJson(tensor)) stored.tensor = { dtype: tensor.dtype, shape: tensor.shape, buffer: fromBase64(tensor.buffer) };
  if (typeof blob === 'string') stored.blob = fromBase64(blob);
  if (typeof embedding !== 'string') return { stored };
  const bytes = fromBase64(embedding);
  return { stored, embedding: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
}

function isTensorJson(value: unknown): value is { dtype: string; shape: number[]; buffer: string } {
  return typeof value === 'object' && value !== null && typeof (value as { buffer?: unknown }).buffer === 'string';
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  // A fresh copy: Buffer.from may return a view into a shared pool at an unaligned offset.
  return new Uint8Array(Buffer.from(text, 'base64'));
}
