import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { validateCommand } from '../../src/cli/validate-command.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.join(root, 'fixtures/bad-configs');
const configs = readdirSync(corpus).filter((name) => name.endsWith('.yaml')).sort();

/** Runs the command in-process from the repo root with an empty environment (stable output). */
async function validate(config: string) {
  let out = '';
  let err = '';
  const started = performance.now();
  const code = await validateCommand([path.join('fixtures/bad-configs', config)], {
    cwd: root,
    env: {},
    out: (text) => (out += `${text}\n`),
    err: (text) => (err += `${text}\n`),
  });
  return { code, out, err, ms: performance.now() - started };
}

describe('fixtures/bad-configs', () => {
  test('holds at least 50 broken configs, each with its expected output', () => {
    expect(configs.length).toBeGreaterThanOrEqual(50);
    const expectations = readdirSync(corpus).filter((name) => name.endsWith('.expected.txt'));
    expect(expectations.map((name) => name.replace('.expected.txt', '.yaml')).sort()).toEqual(configs);
  });

  test.each(configs)('%s prints exactly its expected problems and exits 2', async (config) => {
    const expected = readFileSync(path.join(corpus, config.replace(/\.yaml$/, '.expected.txt')), 'utf8');
    const { code, out, err, ms } = await validate(config);
    expect(err).toBe(expected);
    expect(out).toBe('');
    expect(code).toBe(2);
    expect(err).not.toMatch(/\n\s+at \S|Error:/);
    // Issue #12's bound for every broken config, alias bombs included (they took minutes).
    // In-process, the startup of a process aside: validation itself is what the bound is for.
    expect(ms).toBeLessThan(1000);
  });

  test('every problem line names file:line:column, a YAML path and, after it, a hint line or another problem', () => {
    for (const config of configs) {
      const expected = readFileSync(path.join(corpus, config.replace(/\.yaml$/, '.expected.txt')), 'utf8').trimEnd().split('\n');
      const summary = expected.pop();
      expect(summary).toMatch(new RegExp(`^invalid: fixtures/bad-configs/${config.replace('.', '\\.')}: \\d+ problems?$`));
      for (const line of expected) {
        expect(line).toMatch(new RegExp(`^(fixtures/bad-configs/${config.replace('.', '\\.')}:\\d+:\\d+  \\S+  .+|  hint: .+)$`));
      }
    }
    expect(existsSync(path.join(corpus, 'files/index.yml'))).toBe(true);
  });
});
