import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTable } from '../../src/checks/create-check.ts';
import { loadPlan } from '../../src/config/load-plan.ts';
import type { Problem } from '../../src/config/problem.ts';
import { isStressError } from '../../src/errors.ts';
import { kwargsSchemaOf } from '../../src/kwargs/kwargs-schema.ts';

const cwd = mkdtempSync(path.join(os.tmpdir(), 'jina-stress-expect-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function planProblems(onAlways: string): string[] {
  const file = `expect-${Math.random().toString(36).slice(2)}.yaml`;
  writeFileSync(
    path.join(cwd, file),
    [
      'jobs:',
      '  j:',
      '    steps:',
      '      - method: query',
      '        execution_time: 1',
      '        gateway_port: 12345',
      '        inputs: { method: random_texts }',
      `        on_always: ${onAlways}`,
      '',
    ].join('\n'),
  );
  try {
    loadPlan(file, { cwd, env: {} });
  } catch (error) {
    if (!isStressError(error, 'CONFIG_INVALID')) throw error;
    return (error.details?.problems as Problem[]).map((p) => `${p.line} ${p.yamlPath} ${p.message}`);
  }
  return [];
}

describe('expect: rules are checked when the config is', () => {
  it('accepts the vocabulary over nested paths', () => {
    expect(planProblems("{ method: expect, kwargs: { fields: { hits: { min_length: 1 }, 'hits[*].score': { between: [-1, 1] }, id: { equals_request: true }, text: { non_empty: true }, 'best.rank': { equals: 0 }, 'embedding.shape': { equals: [8] } } } }")).toEqual([]);
  });

  it('a typo in an operator is a config problem at the step, naming path, operator and the near miss', () => {
    const problems = planProblems('{ method: expect, kwargs: { fields: { hits: { min_lenght: 1 } } } }');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^8 jobs\.j\.steps\[0\]\.on_always\.kwargs\.fields /);
    expect(problems[0]).toContain('"hits": unknown operator "min_lenght" (did you mean "min_length"?)');
  });

  it('bad paths and bad arguments are problems too', () => {
    const schema = kwargsSchemaOf(checkTable.expect)!;
    const messages = (fields: unknown) => schema.check({ fields } as never).map((problem) => problem.message);
    expect(messages({ 'hits[x].score': { non_empty: true } })[0]).toContain('path "hits[x].score": "hits[x]" is not a field name with optional [N] or [*]');
    expect(messages({ 'hits..score': { non_empty: true } })[0]).toContain('path "hits..score": "" is not a field name');
    expect(messages({ score: { between: [1, -1] } })[0]).toContain('"score": between takes [low, high] numbers');
    expect(messages({ hits: { min_length: -1 } })[0]).toContain('"hits": min_length takes an integer ≥ 0');
    expect(messages({ hits: {} })[0]).toContain('"hits" needs operators');
    expect(messages(undefined)[0]).toBe('check expect: fields is required: a map of field paths to operators');
    expect(schema.check({ feilds: {} } as never).map((problem) => problem.hint)).toContain('did you mean "fields"? expect accepts: fields.');
  });
});
