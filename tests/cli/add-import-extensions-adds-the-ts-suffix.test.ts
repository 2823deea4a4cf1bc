import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'jina-stress-import-suffix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runScript(...files: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'scripts/add-import-extensions.ts'), ...files], { cwd: dir }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr }),
    );
  });
}

test('npx tsx scripts/add-import-extensions.ts: extensionless relative imports get .ts (or /index.ts), others stay, twice changes nothing', async () => {
  mkdirSync(path.join(dir, 'lib'));
  writeFileSync(path.join(dir, 'errors.ts'), 'export const x = 1;\n');
  writeFileSync(path.join(dir, 'lib/index.ts'), 'export const y = 2;\n');
  const source = [
    "import { x } from './errors';",
    "import type { y } from './lib';",
    "export { x } from './errors.ts';",
    "import { z } from 'zod';",
    "const later = () => import('./errors');",
    "import data from './data.json';",
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'main.ts'), source);
  const first = await runScript('main.ts');
  expect(first.code, first.output).toBe(0);
  expect(first.output).toContain('3 specifiers in 1 files');
  expect(readFileSync(path.join(dir, 'main.ts'), 'utf8')).toBe(
    [
      "import { x } from './errors.ts';",
      "import type { y } from './lib/index.ts';",
      "export { x } from './errors.ts';",
      "import { z } from 'zod';",
      "const later = () => import('./errors.ts');",
      "import data from './data.json';",
      '',
    ].join('\n'),
  );
  const second = await runScript('main.ts');
  expect(second.output).toContain('0 specifiers in 0 files');
});

test('an import it cannot resolve is named and left as it was, exit 1', async () => {
  writeFileSync(path.join(dir, 'broken.ts'), "import { gone } from './gone';\n");
  const run = await runScript('broken.ts');
  expect(run.code).toBe(1);
  expect(run.output).toContain('broken.ts: ./gone');
  expect(readFileSync(path.join(dir, 'broken.ts'), 'utf8')).toBe("import { gone } from './gone';\n");
});
