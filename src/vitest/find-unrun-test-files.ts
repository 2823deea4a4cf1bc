import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// Vitest's default include, `**/*.{test,spec}.?(c|m)[jt]s?(x)`, as a file-name test.
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'reports', 'coverage']);
const MAX_ENTRIES = 20_000;

/**
 * Test files under `root` that Vitest's default include would have run: a config whose only
 * plugin is jinaStress() runs the stress suite alone, and a project's own unit tests must not
 * vanish without a word. Bounded, and blind to symlinked folders, so a huge tree costs little.
 */
export function findUnrunTestFiles(root: string): string[] {
  const found: string[] = [];
  const pending = [root];
  let seen = 0;
  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen++;
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) pending.push(join(dir, entry.name));
      else if (entry.isFile() && TEST_FILE.test(entry.name)) found.push(relative(root, join(dir, entry.name)));
    }
  }
  return found.sort();
}
