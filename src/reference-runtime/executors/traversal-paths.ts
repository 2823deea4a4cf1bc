import type { JinaDocument } from '../../protocol/document.ts';

export type TraversalPath = 'r' | 'c' | 'm';

/**
 * docarray's traversal paths, reduced to what the simulated executors need: `r` the root
 * documents, `c` their chunks, `m` their matches. Accepts the 3.x spelling (`'@r,c'`) and the
 * 1.x one (`['r', 'c']`).
 */
export function parseTraversalPaths(value: string | readonly string[]): TraversalPath[] | undefined {
  const parts = (typeof value === 'string' ? value.replace(/^@/, '').split(',') : value).map((part) => part.trim());
  if (parts.length === 0 || !parts.every((part): part is TraversalPath => part === 'r' || part === 'c' || part === 'm')) {
    return undefined;
  }
  return parts;
}

export function traverse(docs: readonly JinaDocument[], paths: readonly TraversalPath[]): JinaDocument[] {
  const out: JinaDocument[] = [];
  for (const path of paths) {
    for (const doc of docs) {
      if (path === 'r') out.push(doc);
      else if (path === 'c') out.push(...(doc.chunks ?? []));
      else out.push(...(doc.matches ?? []));
    }
  }
  return out;
}
