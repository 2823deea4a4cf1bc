import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { projectFrom, readStatsRows, repoRoot, runCommand } from './support/packed-install.ts';

const packed = inject('packedInstall');

test('npx jina-stress init && npx vitest run in an empty project passes and writes reports; report makes the HTML', async () => {
  // An empty project with the packed package installed (its package.json as npm init -y made it).
  const dir = await projectFrom(packed.latest.dir, join(packed.workDir, 'init'), {
    'package.json': await readFile(join(packed.latest.dir, 'package.json'), 'utf8'),
  });
  const version = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  expect(await runCommand('npx', ['jina-stress', '--version'], dir)).toEqual({ exitCode: 0, output: `${version}\n` });

  const init = await runCommand('npx', ['jina-stress', 'init'], dir);
  expect(init.exitCode, init.output).toBe(0);
  const stressYaml = await readFile(join(dir, 'stress.yaml'), 'utf8');
  expect(stressYaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/jina-stress/schema/jina-stress.schema.json');
  // The modeline's path resolves from the project root, where stress.yaml is.
  expect(existsSync(join(dir, 'node_modules/jina-stress/schema/jina-stress.schema.json'))).toBe(true);
  expect(existsSync(join(dir, 'flows/search.yml'))).toBe(true);
  // npm init -y made a CommonJS package: the config is .mts, so Vite loads it as ESM without a warning.
  expect(await readFile(join(dir, 'vitest.config.mts'), 'utf8')).toContain("jinaStress({ config: 'stress.yaml' })");

  // A second init overwrites nothing.
  const before = (await stat(join(dir, 'stress.yaml'))).mtimeMs;
  const again = await runCommand('npx', ['jina-stress', 'init'], dir);
  expect(again.exitCode).toBe(2);
  expect(again.output).toContain('not overwriting stress.yaml, flows/search.yml, vitest.config.mts');
  expect((await stat(join(dir, 'stress.yaml'))).mtimeMs).toBe(before);

  const validate = await runCommand('npx', ['jina-stress', 'validate', 'stress.yaml'], dir);
  expect(validate.exitCode, validate.output).toBe(0);
  expect(validate.output).toContain('ok: stress.yaml: 1 job, 7 steps');

  const run = await runCommand('npx', ['vitest', 'run'], dir);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).not.toContain('Your Vite config uses features');
  const rows = await readStatsRows(dir);
  expect(rows.map((row) => [row.task, row.passed])).toEqual([['index', true], ['query', true]]);
  expect(rows.every((row) => row.requests > 0 && row.errors === 0)).toBe(true);
  expect(await readFile(join(dir, 'reports/stats.md'), 'utf8')).toContain('| index');
  const steps = JSON.parse(await readFile(join(dir, 'reports/steps.json'), 'utf8')) as { state: string }[];
  expect(steps.map((step) => step.state)).toEqual(Array(7).fill('passed'));

  const report = await runCommand('npx', ['jina-stress', 'report', '--single-file'], dir);
  expect(report.exitCode, report.output).toBe(0);
  const html = await readFile(join(dir, 'reports/allure-report-single/index.html'), 'utf8');
  expect(html).toContain('index');
  expect(html).not.toContain('googletagmanager');
});
