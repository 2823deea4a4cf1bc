import type { JinaDocument } from '../protocol/document.ts';

/**
 * docarray v2 Flows parse every document into jina's LegacyDocument, whose `tags` default to
 * `{}`: executors see an empty dict and every response document, matches and chunks included,
 * carries one (verified against live Jina 3.34: `tags: {}` on documents sent without tags).
 * Returns the same array when nothing lacks tags, else copies of the documents that do.
 */
export function withLegacyDocumentDefaults(docs: JinaDocument[]): JinaDocument[] {
  let copied: JinaDocument[] | undefined;
  for (let index = 0; index < docs.length; index++) {
    const doc = docs[index]!;
    const filled = withDefaults(doc);
    if (filled !== doc) {
      copied ??= docs.slice();
      copied[index] = filled;
    }
  }
  return copied ?? docs;
}

function withDefaults(doc: JinaDocument): JinaDocument {
  const matches = doc.matches && withLegacyDocumentDefaults(doc.matches);
  const chunks = doc.chunks && withLegacyDocumentDefaults(doc.chunks);
  if (doc.tags && matches === doc.matches && chunks === doc.chunks) return doc;
  const filled: JinaDocument = { ...doc, tags: doc.tags ?? {} };
  if (matches) filled.matches = matches;
  if (chunks) filled.chunks = chunks;
  return filled;
}
