import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { StressError } from '../errors.ts';
import type { InputContext } from './input-source.ts';

/**
 * A dataset path from kwargs: absolute as is, else against the config's folder, then the
 * working directory (the seed's behaviour). A missing path names every place tried.
 */
export function resolveInputPath(path: string, context: InputContext, input: string): string {
  const tried = isAbsolute(path) ? [path] : [...new Set([resolve(context.baseDir, path), resolve(process.cwd(), path)])];
  const found = tried.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new StressError('INPUT', `input ${input}: ${path} not found; tried ${tried.join(', ')}`, {
    hint: 'Paths in kwargs resolve against the config file’s folder, then the working directory.',
  });
}
