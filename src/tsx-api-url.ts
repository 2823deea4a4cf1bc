import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

type Manifest = { exports: Record<string, string | { import: { default: string } }> };

/**
 * URL of `tsx/esm/api` under the `import` condition, for threads and processes that must run
 * the TypeScript sources (require.resolve would pick its CJS build, whose register() fails).
 * Resolved from this file, so the cwd does not matter.
 */
export function tsxApiUrl(): string {
  return tsxExportUrl('./esm/api');
}

/** URL of `tsx/esm`, the module that registers tsx's loader: for `node --import <url>`. */
export function tsxLoaderUrl(): string {
  return tsxExportUrl('./esm');
}

function tsxExportUrl(subpath: string): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const target = manifest.exports[subpath]!;
  return new URL(typeof target === 'string' ? target : target.import.default, pathToFileURL(manifestPath)).href;
}
