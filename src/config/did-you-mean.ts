/**
 * Edit distance with adjacent transpositions (optimal string alignment), so `mehtod` is one
 * edit from `method`. Written here because it is 20 lines and config keys are short.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(rows - 1, columns - 1);
}

/** `exec_time` for `execution_time`: each snake_case part is a prefix of the candidate's. */
function isAbbreviation(word: string, candidate: string): boolean {
  const parts = word.split('_');
  const full = candidate.split('_');
  return parts.length === full.length && parts.every((part, i) => part.length > 0 && (full[i] as string).startsWith(part));
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: within a third
 * of the word's length (at least 2 edits), differing only in case or `-` versus `_`, or a
 * snake_case abbreviation of it.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const normal = (text: string) => text.toLowerCase().replaceAll('-', '_');
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const [a, b] = [normal(word), normal(candidate)];
    const distance = a === b ? 0 : isAbbreviation(a, b) ? 1 : editDistance(a, b);
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** `did you mean "x"?` or, with no near match, the list to choose from. */
export function suggestionHint(word: string, candidates: readonly string[], noun: string): string {
  const match = closestMatch(word, candidates);
  const list = candidates.join(', ');
  return match ? `did you mean "${match}"? (${noun}: ${list})` : `${noun}: ${list}`;
}
