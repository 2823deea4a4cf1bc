import type { JinaDocument } from '../protocol/document.ts';
import { rankMatches } from './match-order.ts';

export interface ReduceOptions {
  /**
   * Rank merged matches and keep this many (shard fan-out). Absent: combine matches by id
   * in arrival order, as docarray's `reduce` does when the gateway joins an executor's needs.
   */
  rank?: { topK: number | undefined };
}

/**
 * Several answers about the same documents → one list, in the order of the first answer
 * (documents only later answers know are appended). For a document seen several times:
 * fields the first copy lacks come from later copies, matches are combined, chunks are
 * reduced by id the same way.
 */
export function reduceDocuments(lists: readonly JinaDocument[][], options: ReduceOptions = {}): JinaDocument[] {
  if (lists.length === 1) return lists[0]!;
  const byId = new Map<string, JinaDocument>();
  const matchLists = new Map<string, JinaDocument[][]>();
  for (const list of lists) {
    for (const doc of list) {
      const seen = byId.get(doc.id);
      if (doc.matches) {
        const answers = matchLists.get(doc.id) ?? [];
        answers.push(doc.matches);
        matchLists.set(doc.id, answers);
      }
      if (!seen) {
        byId.set(doc.id, { ...doc });
        continue;
      }
      for (const [key, value] of Object.entries(doc) as Array<[keyof JinaDocument, unknown]>) {
        if (seen[key] === undefined && value !== undefined) (seen as unknown as Record<string, unknown>)[key] = value;
      }
      if (doc.chunks && seen.chunks && doc.chunks !== seen.chunks) seen.chunks = reduceDocuments([seen.chunks, doc.chunks]);
    }
  }
  for (const [id, answers] of matchLists) {
    const doc = byId.get(id)!;
    if (options.rank) {
      // Keep as many as the longest single answer unless the request asked for a top_k.
      const topK = options.rank.topK ?? Math.max(...answers.map((answer) => answer.length));
      doc.matches = rankMatches(answers.flat(), topK);
    } else {
      doc.matches = reduceDocuments(answers);
    }
  }
  return [...byId.values()];
}
