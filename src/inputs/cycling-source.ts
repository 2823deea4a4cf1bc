import { StressError } from '../errors.ts';
import type { JinaDocument } from '../protocol/document.ts';
import type { InputSource } from './input-source.ts';

/**
 * An InputSource over a finite list that wraps around, as the seed re-sent its input every
 * round. `take` returns the same document objects each pass (no copies: the codec only
 * reads them), so memory stays at one pass whatever the run length.
 */
export function createCyclingSource(name: string, docs: readonly JinaDocument[], close?: () => Promise<void>): InputSource {
  if (docs.length === 0) {
    throw new StressError('INPUT', `input ${name} produced no documents`, {
      hint: 'Check num_docs and the dataset path: an empty input cannot feed a load step.',
    });
  }
  let next = 0;
  return {
    name,
    size: docs.length,
    take(count) {
      const out: JinaDocument[] = new Array(count);
      for (let index = 0; index < count; index++) {
        out[index] = docs[next]!;
        next = next + 1 === docs.length ? 0 : next + 1;
      }
      return out;
    },
    ...(close ? { close } : {}),
  };
}
