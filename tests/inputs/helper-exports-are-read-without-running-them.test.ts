import { existsSync, mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { validateConfigText } from '../../src/config/validate-config.ts';
import { helperExportNames } from '../../src/inputs/helper-export-names.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function project(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(tmpdir(), 'helper-exports-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const CONFIG = `jobs:
  smoke:
    gateway: { host: localhost, port: 23456 }
    steps:
      - method: index
        inputs: { method: product_titles }
        on_always: { method: has_matchez }
`;

test('validation reads the names a TypeScript helper exports and never runs it', () => {
  const cwd = project({
    // Importing this writes a file: validation must not.
    'helpers/inputs.ts': `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(path.join(tmpdir(), 'never'))} + process.pid, 'ran');\nexport const product_titles = async (kwargs: Record<string, unknown>) => ({ name: 'x', size: 1, take: () => [] });\nexport function other(): void {}\n`,
    'helpers/checks.mjs': `export const has_matches = async () => () => [];\nconst internal = 1;\nexport { internal as renamed };\n`,
  });
  const validation = validateConfigText(CONFIG, { configPath: 'stress.yaml', cwd, env: {} });
  expect(existsSync(path.join(tmpdir(), `never${process.pid}`))).toBe(false);
  expect(validation.status).toBe('invalid');
  if (validation.status !== 'invalid') return;
  // product_titles exists; has_matchez is one edit from the helper's has_matches.
  expect(validation.problems.map((problem) => [problem.yamlPath, problem.message])).toEqual([
    ['jobs.smoke.steps[0].on_always.method', 'unknown check "has_matchez"'],
  ]);
  expect(validation.problems[0]?.hint).toContain('did you mean "has_matches"?');
  expect(validation.problems[0]?.hint).toContain('helpers/checks.mjs exports: has_matches, renamed');
  expect(helperExportNames(path.join(cwd, 'helpers'), 'inputs')).toMatchObject({ status: 'read', names: ['other', 'product_titles'] });
});

test('without helpers the hint says so; a helper that does not parse is named with its error', () => {
  const cwd = project({ 'helpers/checks.ts': 'export const has_matches = (;\n' });
  const validation = validateConfigText(CONFIG, { configPath: 'stress.yaml', cwd, env: {} });
  expect(validation.status).toBe('invalid');
  if (validation.status !== 'invalid') return;
  const [input, check] = validation.problems;
  expect(input?.message).toBe('unknown input "product_titles"');
  expect(input?.hint).toContain('no helpers/inputs.ts');
  expect(check?.hint).toMatch(/helpers\/checks\.ts could not be read: .+ \(line 1\)/);
});

test('a helper edited between two validations is read again', () => {
  const cwd = project({ 'helpers/checks.ts': 'export const a = 1;\n' });
  const helpers = path.join(cwd, 'helpers');
  expect(helperExportNames(helpers, 'checks')).toMatchObject({ names: ['a'] });
  writeFileSync(path.join(helpers, 'checks.ts'), 'export const a = 1;\nexport const b = 2;\n');
  const later = new Date(Date.now() + 5_000);
  // The mtime decides; set it past the first one even on a coarse clock.
  utimesSync(path.join(helpers, 'checks.ts'), later, later);
  expect(helperExportNames(helpers, 'checks')).toMatchObject({ names: ['a', 'b'] });
});

