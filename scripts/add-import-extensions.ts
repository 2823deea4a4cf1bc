/**
 * Adds `.ts` to relative import specifiers that have no extension (`'../errors'` →
 * `'../errors.ts'`), in place, in the files given or, by default, in every TypeScript file git
 * tracks. Idempotent.
 *
 *   npx tsx scripts/add-import-extensions.ts
 *
 * Why the suffix: the package is built by plain `tsc` (tsconfig.build.json), which rewrites
 * `.ts` to `.js` in what it emits (`rewriteRelativeImportExtensions`) but leaves an
 * extensionless specifier as it is, and Node's ESM loader does not guess extensions. With
 * `module: NodeNext` in tsconfig.json, `tsc --noEmit` rejects a new extensionless import
 * (TS2835); this script fixes a batch of them, e.g. after merging a branch written before.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

// `from '…'`, `import '…'`, `import('…')`, `typeof import('…')`, `vi.mock('…')`-free on purpose.
const SPECIFIER = /((?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"])(\.{1,2}\/[^'"\n]*)(['"])/g;
const HAS_EXTENSION = /\.(?:[cm]?ts|[cm]?js|json|proto|node)$/;

function withExtension(file: string, specifier: string): string | undefined {
  if (HAS_EXTENSION.test(specifier)) return specifier;
  const target = resolve(dirname(file), specifier);
  if (existsSync(`${target}.ts`)) return `${specifier}.ts`;
  if (existsSync(target) && statSync(target).isDirectory() && existsSync(`${target}/index.ts`)) return `${specifier}/index.ts`;
  return undefined;
}

const args = process.argv.slice(2);
const files = args.length > 0
  ? args
  : execFileSync('git', ['ls-files', '*.ts', '*.mts'], { encoding: 'utf8' }).split('\n').filter((f) => f && !f.endsWith('.d.ts'));
let changedFiles = 0;
let changedSpecifiers = 0;
const unresolved: string[] = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(SPECIFIER, (match, before: string, specifier: string, after: string) => {
    const fixed = withExtension(file, specifier);
    if (fixed === undefined) {
      unresolved.push(`${file}: ${specifier}`);
      return match;
    }
    if (fixed !== specifier) changedSpecifiers += 1;
    return `${before}${fixed}${after}`;
  });
  if (next !== text) {
    writeFileSync(file, next);
    changedFiles += 1;
  }
}
console.log(`${changedSpecifiers} specifiers in ${changedFiles} files`);
if (unresolved.length > 0) {
  console.error(`not resolved (left as they were):\n  ${unresolved.join('\n  ')}`);
  process.exitCode = 1;
}
