import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createCheck } from '../../src/checks/create-check.ts';
import { validateConfigText } from '../../src/config/validate-config.ts';
import { createInput } from '../../src/inputs/create-input.ts';
import { helperExportNames } from '../../src/inputs/helper-export-names.ts';

// Issue 12: a user's input or check declares its kwargs with defineInput/defineCheck, and
// `validate` checks a config's kwargs against that declaration — read from the helper's
// source, never running it — as it checks a built-in's. At run time the same declaration
// parses them (defaults filled, the same messages).

const repo = path.resolve(import.meta.dirname, '../..');
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const marker = path.join(tmpdir(), `helper-kwargs-ran-${process.pid}`);

function project(): string {
  dir = mkdtempSync(path.join(tmpdir(), 'helper-kwargs-'));
  mkdirSync(path.join(dir, 'helpers'));
  const define = (name: string) => JSON.stringify(path.join(repo, `src/${name}`));
  writeFileSync(
    path.join(dir, 'helpers/inputs.ts'),
    `import { writeFileSync } from 'node:fs';
import { defineInput } from ${define('inputs/define-input.ts')};
// Running this module leaves a mark: validation must not run it.
writeFileSync(${JSON.stringify(marker)}, 'ran');
const LIMIT = 50;
export const product_titles = defineInput(
  { kwargs: { num_docs: { type: 'integer', min: 1, max: 1_000, default: 4 }, lang: { type: 'choice', values: ['en', 'de'], default: 'en' }, brand: { type: 'string', required: true } } },
  async (kwargs) => {
    const docs = Array.from({ length: kwargs.num_docs as number }, (_, i) => ({ id: String(i), text: \`\${kwargs.brand} \${kwargs.lang} \${i}\` }));
    return { name: 'product_titles', size: docs.length, take: (n: number) => docs.slice(0, n) };
  },
);
export const computed = defineInput({ kwargs: { limit: { type: 'integer', max: LIMIT } } }, async () => ({ name: 'c', size: 1, take: () => [] }));
export const undeclared = defineInput(async () => ({ name: 'u', size: 1, take: () => [] }));
`,
  );
  writeFileSync(
    path.join(dir, 'helpers/checks.ts'),
    `import { defineCheck } from ${define('checks/define-check.ts')};
export const at_least = defineCheck({ kwargs: { min: { type: 'number', min: 0, default: 0.5 }, names: { type: 'string_list' } } }, async () => () => []);
export const typo_in_declaration = defineCheck({ kwargs: { min: { type: 'int' } } }, async () => () => []);
`,
  );
  return dir;
}

function problemsOf(config: string, cwd: string): string[] {
  const validation = validateConfigText(config, { configPath: 'stress.yaml', cwd, env: {} });
  return validation.status === 'invalid' ? validation.problems.map((problem) => `${problem.yamlPath}  ${problem.message}${problem.hint ? `  (${problem.hint})` : ''}`) : [];
}

const step = (inputs: string, onAlways: string) => `jobs:
  smoke:
    gateway: { host: localhost, port: 23456 }
    steps:
      - method: index
        inputs: ${inputs}
        on_always: ${onAlways}
`;

test('validate checks a helper\'s kwargs against its declaration, without running the module', () => {
  const cwd = project();
  const problems = problemsOf(step('{ method: product_titles, kwargs: { num_doc: 3, lang: fr } }', '{ method: at_least, kwargs: { min: -1, names: x } }'), cwd);
  expect(existsSync(marker)).toBe(false);
  // In the order of their place in the file (brand, absent, at its kwargs mapping).
  expect(problems).toEqual([
    'jobs.smoke.steps[0].inputs.kwargs.brand  input product_titles: brand is required: a string  (Set kwargs.brand to a string.)',
    'jobs.smoke.steps[0].inputs.kwargs.num_doc  input product_titles: unknown kwarg(s) num_doc  (did you mean "num_docs"? product_titles accepts: num_docs, lang, brand.)',
    'jobs.smoke.steps[0].inputs.kwargs.lang  input product_titles: lang = "fr" is not one of en, de  (Set kwargs.lang to one of en, de.)',
    'jobs.smoke.steps[0].on_always.kwargs.min  check at_least: min = -1 is not a number ≥ 0  (Set kwargs.min to a number ≥ 0.)',
    'jobs.smoke.steps[0].on_always.kwargs.names  check at_least: names = "x" is not a list of strings  (Set kwargs.names to a list of strings.)',
  ]);
  expect(problemsOf(step('{ method: product_titles, kwargs: { brand: acme } }', '{ method: at_least }'), cwd)).toEqual([]);
});

test('a declaration that is not a literal, or none, leaves the kwargs to the run; a broken declaration is named', () => {
  const cwd = project();
  const read = helperExportNames(path.join(cwd, 'helpers'), 'inputs');
  expect(read.status).toBe('read');
  if (read.status !== 'read') return;
  expect(read.kwargs.get('computed')).toEqual({ status: 'not-literal', reason: expect.stringContaining('Identifier is not a literal') });
  expect(read.kwargs.has('undeclared')).toBe(false);
  expect(problemsOf(step('{ method: computed, kwargs: { anything: 1 } }', '{ method: typo_in_declaration }'), cwd)).toEqual([
    expect.stringMatching(/^jobs\.smoke\.steps\[0\]\.on_always\.method {2}helpers\/checks\.ts: typo_in_declaration declares invalid kwargs: kwargs\.min: type "int" is not one of integer, number/),
  ]);
});

test('at run time the declaration parses the kwargs: defaults filled, the same problems', async () => {
  const cwd = project();
  const context = { baseDir: cwd, helpersDir: path.join(cwd, 'helpers'), clientIndex: 0 };
  const input = await createInput({ method: 'product_titles', kwargs: { brand: 'acme' } }, context);
  expect(input.take(10).map((doc) => doc.text)).toEqual(['acme en 0', 'acme en 1', 'acme en 2', 'acme en 3']);
  await expect(createInput({ method: 'product_titles', kwargs: { brand: 'acme', num_doc: 2 } }, context)).rejects.toMatchObject({
    code: 'INPUT',
    message: 'input product_titles: unknown kwarg(s) num_doc',
    hint: expect.stringContaining('did you mean "num_docs"?'),
  });
  await expect(createCheck({ method: 'at_least', kwargs: { min: 'high' } }, context)).rejects.toMatchObject({ code: 'CHECK', message: 'check at_least: min = "high" is not a number ≥ 0' });
});
