import { NdArrayValue, type FieldValue } from '../protocol/document-fields.ts';
import { isPlainObject } from '../protocol/struct.ts';

/** One step of a field path: a key, an index, or `[*]` (every item). */
export type PathStep = { key: string } | { index: number } | { every: true };

/** A concrete value a path reached, with the path spelled with indexes (`hits[2].score`). */
export interface PathHit {
  at: string;
  value: FieldValue | undefined;
}

const segmentPattern = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[(?:\*|\d+)\])*)$/;

/**
 * Parses `hits[*].score`, `best.text`, `embedding.shape`, `scores[0]`: keys joined by dots,
 * each optionally followed by `[N]` or `[*]`. Returns why not when it is no such path.
 */
export function parseFieldPath(path: string): PathStep[] | string {
  if (path.trim() === '') return 'an empty path';
  const steps: PathStep[] = [];
  for (const segment of path.split('.')) {
    const match = segmentPattern.exec(segment);
    if (!match) return `"${segment}" is not a field name with optional [N] or [*]`;
    steps.push({ key: match[1]! });
    for (const bracket of match[2]!.matchAll(/\[(\*|\d+)\]/g)) {
      steps.push(bracket[1] === '*' ? { every: true } : { index: Number(bracket[1]) });
    }
  }
  return steps;
}

/** Every value `steps` reach from `root` (`[*]` fans out; a missing key or index reaches `undefined`). */
export function resolvePath(root: FieldValue, steps: readonly PathStep[]): PathHit[] {
  let hits: PathHit[] = [{ at: '', value: root }];
  for (const step of steps) {
    const next: PathHit[] = [];
    for (const { at, value } of hits) {
      if ('key' in step) {
        next.push({ at: at ? `${at}.${step.key}` : step.key, value: childByKey(value, step.key) });
      } else {
        const items = itemsOf(value);
        if ('index' in step) next.push({ at: `${at}[${step.index}]`, value: items?.[step.index] });
        else if (items) items.forEach((item, i) => next.push({ at: `${at}[${i}]`, value: item }));
        else next.push({ at: `${at}[*]`, value: undefined });
      }
    }
    hits = next;
  }
  return hits;
}

function childByKey(value: FieldValue | undefined, key: string): FieldValue | undefined {
  if (value instanceof NdArrayValue) {
    if (key === 'shape') return [...value.shape];
    if (key === 'dtype') return value.dtype;
    return undefined;
  }
  return isPlainObject(value) && Object.hasOwn(value, key) ? (value as Record<string, FieldValue>)[key] : undefined;
}

function itemsOf(value: FieldValue | undefined): FieldValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof NdArrayValue) return Array.isArray(value.values) ? (value.values as FieldValue[]) : undefined;
  return undefined;
}
