import { expect, test } from 'vitest';
import { parseYamlDocument } from '../../src/config/yaml-document.ts';
import { YAML_LIMITS } from '../../src/config/yaml-guards.ts';

/** `levels` levels of `width` aliases each: expands to width^levels leaves. */
function aliasLadder(width: number, levels: number): string {
  const lines = [`l0: &l0 [${Array.from({ length: width }, () => 'x').join(', ')}]`];
  for (let level = 1; level < levels; level++) lines.push(`l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

test('aliases that expand to just under the limit load, with positions for every copy', () => {
  // 30 * 30 * 30 = 27,000 leaves plus the collections: under 50,000 values.
  const document = parseYamlDocument(aliasLadder(30, 3), 'c.yaml');
  expect(document.status).toBe('parsed');
  if (document.status !== 'parsed') return;
  expect((document.value as { l2: string[][][] }).l2[29]?.[29]?.[29]).toBe('x');
  expect(document.positions.locate(['l2', 29, 29, 29])).toEqual({ line: 1, column: 97 }); // l0's last x
});

test('aliases that expand past the limit are refused at the alias that crossed it, with no value built', () => {
  // 40^3 = 64,000 leaves.
  const document = parseYamlDocument(aliasLadder(40, 3), 'c.yaml');
  expect(document.status).toBe('invalid');
  if (document.status !== 'invalid') return;
  expect(document.problems).toHaveLength(1);
  expect(document.problem.message).toBe(`aliases expand this config to more than ${YAML_LIMITS.maxExpandedNodes.toLocaleString('en-US')} values`);
  expect(document.problem.line).toBe(3);
});

test('a nine-level bomb is refused as fast as a small config is read', () => {
  const bomb = aliasLadder(9, 10);
  const small = 'jobs:\n  a:\n    steps: [{ method: collect_stats }]\n';
  const time = (text: string) => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) parseYamlDocument(text, 'c.yaml');
    return performance.now() - started;
  };
  time(small);
  expect(parseYamlDocument(bomb, 'c.yaml').status).toBe('invalid');
  // Both are a few hundred bytes; building the bomb's 387 million values would take minutes.
  expect(time(bomb)).toBeLessThan(time(small) * 20 + 50);
});

test('every prototype key is reported with its path, and ordinary keys that contain the words are not', () => {
  const document = parseYamlDocument('jobs:\n  __proto__: 1\n  b:\n    constructor_args: 2\n    x: { prototype: 3, constructor: 4 }\n', 'c.yaml');
  expect(document.status).toBe('invalid');
  if (document.status !== 'invalid') return;
  expect(document.problems.map((p) => [p.yamlPath, p.line, p.column])).toEqual([
    ['jobs.__proto__', 2, 3],
    ['jobs.b.x.prototype', 5, 10],
    ['jobs.b.x.constructor', 5, 24],
  ]);
});

test('a key may still be a prototype word as a value, and merge keys still work', () => {
  const document = parseYamlDocument('base: &base { name: constructor }\njobs:\n  a: { <<: *base, steps: [] }\n', 'c.yaml');
  expect(document.status).toBe('parsed');
  if (document.status === 'parsed') expect((document.value as { jobs: { a: { name: string } } }).jobs.a.name).toBe('constructor');
});
