import type { JinaDocument } from '../protocol/document.ts';

/**
 * Scores where smaller is better. `cosine` is not one: the indexers here (and the project's
 * Python fixture indexer) report cosine similarity.
 */
const DISTANCE_SCORES = new Set(['euclidean', 'sqeuclidean', 'l2', 'distance', 'cosine_distance']);

/** The score to rank by: the requested one, else the first score found on the matches. */
export function rankingScore(matches: readonly JinaDocument[], preferred?: string): string | undefined {
  if (preferred) return preferred;
  for (const match of matches) {
    const first = match.scores ? Object.keys(match.scores)[0] : undefined;
    if (first) return first;
  }
  return undefined;
}

/**
 * Best first, one match per id (the better score wins), at most `topK`. Matches without
 * the score go last in their original order, so nothing is dropped for lack of a score
 * unless the cut reaches it.
 */
export function rankMatches(matches: readonly JinaDocument[], topK: number | undefined, scoreName?: string): JinaDocument[] {
  const score = rankingScore(matches, scoreName);
  const ascending = score === undefined || DISTANCE_SCORES.has(score);
  const valueOf = (match: JinaDocument): number | undefined => (score ? match.scores?.[score]?.value : undefined);
  const better = (a: JinaDocument, b: JinaDocument): boolean => {
    const x = valueOf(a);
    const y = valueOf(b);
    if (x === undefined) return false;
    if (y === undefined) return true;
    return ascending ? x < y : x > y;
  };
  const byId = new Map<string, JinaDocument>();
  for (const match of matches) {
    const seen = byId.get(match.id);
    if (!seen || better(match, seen)) byId.set(match.id, match);
  }
  const ranked = [...byId.values()];
  if (score !== undefined) {
    // Array.prototype.sort is stable: equal scores keep their arrival order.
    ranked.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  }
  return topK === undefined ? ranked : ranked.slice(0, topK);
}
