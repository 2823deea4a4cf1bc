import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { helperKwargsDeclarations, type KwargsDeclaration } from './helper-kwargs-declarations.ts';
import { helperModuleCandidates } from './load-helper-module.ts';

export type HelperExports =
  | { status: 'none'; candidates: string[] }
  | { status: 'read'; file: string; names: string[]; kwargs: ReadonlyMap<string, KwargsDeclaration> }
  | { status: 'unreadable'; file: string; reason: string };

const cache = new Map<string, { mtimeMs: number; exports: HelperExports }>();

/**
 * The names `helpers/<name>.{ts,mts,js,mjs}` exports, read without running it: validation
 * must not execute a user's module (it may connect, write or take seconds). esbuild (tsx's,
 * which loads the helpers at run time) parses TypeScript and JavaScript alike and lists an
 * entry point's exports in its metafile; ~50 ms for both helper files. Its output, parsed
 * with acorn, gives the kwargs each export declares with defineInput/defineCheck.
 */
export function helperExportNames(helpersDir: string, name: string): HelperExports {
  const candidates = helperModuleCandidates(helpersDir, name);
  for (const file of candidates) {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (!stats?.isFile()) continue;
    const cached = cache.get(file);
    if (cached?.mtimeMs === stats.mtimeMs) return cached.exports;
    const exports = readExports(file);
    cache.set(file, { mtimeMs: stats.mtimeMs, exports });
    return exports;
  }
  return { status: 'none', candidates };
}

function readExports(file: string): HelperExports {
  try {
    // Required here, not imported at the top: only a config that names a helper module gets
    // this far, and esbuild's API costs ~0.1 s to load on every start of a run otherwise.
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const result = buildSync({ entryPoints: [file], bundle: false, write: false, metafile: true, format: 'esm', outdir: '/', logLevel: 'silent' });
    const names = Object.values(result.metafile.outputs).flatMap((output) => output.exports);
    // The same output, parsed: the kwargs each export declares (helper-kwargs-declarations.ts).
    const kwargs = helperKwargsDeclarations(result.outputFiles.map((output) => output.text).join('\n'));
    return { status: 'read', file, names: [...new Set(names)].filter((exported) => exported !== 'default').sort(), kwargs };
  } catch (error) {
    const first = (error as { errors?: Array<{ text: string; location?: { line: number } }> }).errors?.[0];
    return { status: 'unreadable', file, reason: first ? `${first.text}${first.location ? ` (line ${first.location.line})` : ''}` : String(error) };
  }
}
