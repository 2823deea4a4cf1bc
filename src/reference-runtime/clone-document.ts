import type { JinaDocument } from '../protocol/document.ts';

/**
 * A copy an executor may change: the document and its chunks are new objects, match lists
 * are new arrays. Tensors, tags and match documents are shared — executors replace them,
 * never edit them — so a 150 KB image is never copied. Over a real network every branch
 * and shard decodes its own copy; in process this is what keeps them apart.
 */
export function cloneDocument(doc: JinaDocument): JinaDocument {
  const copy: JinaDocument = { ...doc };
  if (doc.chunks) copy.chunks = doc.chunks.map(cloneDocument);
  if (doc.matches) copy.matches = [...doc.matches];
  return copy;
}

export function cloneDocuments(docs: readonly JinaDocument[]): JinaDocument[] {
  return docs.map(cloneDocument);
}
