import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * URL of `tsx/esm/api` under the `import` condition, for threads and processes that must run
 * the TypeScript sources (require.resolve would pick its CJS build, whose register() fails).
 * Resolved from this file, so the cwd does not matter.
 */
export function tsxApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return new URL(manifest.exports['./esm/api']!.import.default, pathToFileURL(manifestPath)).href;
}
