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

// One evaluation per file and thread: helpers may keep state, and tsImport evaluates anew on
// every call.
const loaded = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Imports `helpers/<name>.{ts,mts,js,mjs}` (the first that exists), or returns undefined
 * when there is none. TypeScript helpers load through tsx's `tsImport`, scoped to that file
 * and what it imports: they are imported by the compiled package from Vitest's worker and
 * from load worker threads, where Node 20 alone cannot read TypeScript and Vite does not
 * transform, and no loader is registered for the rest of the process.
 */
export async function loadHelperModule(helpersDir: string, name: string): Promise<HelperModule | undefined> {
  const file = helperModuleCandidates(helpersDir, name).find((candidate) => existsSync(candidate));
  if (!file) return undefined;
  try {
    let exports = loaded.get(file);
    if (!exports) {
      const url = pathToFileURL(file).href;
      // tsx's API is imported only for a TypeScript helper: most runs have none, and it would
      // otherwise load with every run's steps.
      exports = (/\.m?ts$/.test(file) ? import('tsx/esm/api').then(({ tsImport }) => tsImport(url, import.meta.url)) : import(url)) as Promise<Record<string, unknown>>;
      loaded.set(file, exports);
      exports.catch(() => loaded.delete(file));
    }
    return { file, exports: await exports };
  } catch (error) {
    throw new StressError('INTERNAL', `cannot load helper module ${file}: ${(error as Error).message}`, {
      hint: 'Fix the error in the helper module; it must be importable ESM.',
      cause: error,
    });
  }
}
