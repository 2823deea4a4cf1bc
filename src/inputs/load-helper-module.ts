import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StressError } from '../errors.ts';

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

export interface HelperModule {
  file: string;
  exports: Record<string, unknown>;
}

/** Candidate files of a helper module: `helpers/<name>.ts`, `.mts`, `.js`, `.mjs`. */
export function helperModuleCandidates(helpersDir: string, name: string): string[] {
  return EXTENSIONS.map((extension) => join(helpersDir, `${name}${extension}`));
}

/**
 * Imports `helpers/<name>.{ts,mts,js,mjs}` (the first that exists), or returns undefined
 * when there is none. TypeScript helpers load under Vitest and tsx (the CLI), which both
 * transpile on import.
 */
export async function loadHelperModule(helpersDir: string, name: string): Promise<HelperModule | undefined> {
  const file = helperModuleCandidates(helpersDir, name).find((candidate) => existsSync(candidate));
  if (!file) return undefined;
  try {
    return { file, exports: (await import(pathToFileURL(file).href)) as Record<string, unknown> };
  } catch (error) {
    throw new StressError('INTERNAL', `cannot load helper module ${file}: ${(error as Error).message}`, {
      hint: 'Fix the error in the helper module; it must be importable ESM.',
      cause: error,
    });
  }
}
