import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadPlan } from '../../src/config/load-plan.ts';
import type { Problem } from '../../src/config/problem.ts';
import { isStressError } from '../../src/errors.ts';

const cwd = mkdtempSync(path.join(os.tmpdir(), 'jina-stress-load-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected loadPlan to throw');
}

describe('loadPlan', () => {
  test('an invalid config throws CONFIG_INVALID carrying every problem, and format() lists them all', () => {
    writeFileSync(
      path.join(cwd, 'two-problems.yaml'),
      'jobs:\n  j:\n    steps:\n      - method: collect_stats\n        slak: true\n      - method: sleep\n',
    );
    const error = failure(() => loadPlan('two-problems.yaml', { cwd, env: {} }));
    if (!isStressError(error, 'CONFIG_INVALID')) throw error;
    const problems = error.details?.problems as Problem[];
    expect(problems.map((p) => `${p.line}:${p.column} ${p.yamlPath} ${p.message}`)).toEqual([
      '5:9 jobs.j.steps[0].slak unknown key "slak"',
      '6:17 jobs.j.steps[1].method unknown step method',
    ]);
    expect(error.format()).toBe(
      [
        '[CONFIG_INVALID] two-problems.yaml: 2 problems',
        'two-problems.yaml:5:9  jobs.j.steps[0].slak  unknown key "slak"',
        '  hint: did you mean "slack"?',
        'two-problems.yaml:6:17  jobs.j.steps[1].method  unknown step method, got "sleep"',
        '  hint: known methods: create_workspace, update_workspace, delete_workspace, start_flow, terminate_flow, index, query, collect_stats, upload_to_s3, download_from_s3, notify_slack, save_baseline, find_capacity',
      ].join('\n'),
    );
  });

  test('a missing config throws CONFIG_NOT_FOUND with the path', () => {
    const error = failure(() => loadPlan('absent.yaml', { cwd }));
    expect(isStressError(error, 'CONFIG_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe('config not found: absent.yaml');
  });

  test('a valid config from disk gives a Plan with the absolute config path', () => {
    writeFileSync(path.join(cwd, 'ok.yaml'), 'jobs:\n  j:\n    steps:\n      - method: collect_stats\n');
    const plan = loadPlan('ok.yaml', { cwd, env: {} });
    expect(plan.configPath).toBe(path.join(cwd, 'ok.yaml'));
    expect(plan.jobs[0]?.steps[0]).toMatchObject({ kind: 'collect_stats', name: 'collect_stats', params: { slack: false }, location: { line: 4, column: 9 } });
  });
});
