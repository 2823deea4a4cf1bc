import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StepRecord } from '../../src/vitest/progress-reporter.ts';

// Issue 18 item 1: the README's own example for selecting steps, `npx vitest run -t "query"`,
// run exactly so on the default config (configs/local.yaml, the embedded agent and reference
// runtime). It failed: the query Flow served an empty index because the index step was not run.
// The repo's main-job files are copied to a temporary folder so the run writes its own
// reports/, not the repository's.

const repoRoot = resolve(import.meta.dirname, '../..');
const COPIED = ['src', 'helpers', 'configs', 'fixtures/flows', 'vitest.config.ts', 'package.json', 'tsconfig.json'];

let dir: string;
let run: { exitCode: number | null; output: string; steps: StepRecord[] | undefined };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jina-stress-readme-filter-'));
  await Promise.all(COPIED.map((entry) => cp(join(repoRoot, entry), join(dir, entry), { recursive: true })));
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  run = await new Promise((done, reject) => {
    const { STRESS_CONFIG: _config, ...env } = process.env;
    const child = spawn('npx', ['vitest', 'run', '-t', 'query'], { cwd: dir, env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', async (exitCode) => {
      const steps = await readFile(join(dir, 'reports/steps.json'), 'utf8')
        .then((text) => JSON.parse(text) as StepRecord[])
        .catch(() => undefined);
      done({ exitCode, output, steps });
    });
  });
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('`npx vitest run -t "query"` passes on the default config', () => {
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain('jina-stress: 1 step(s) selected by /query/');
  const states = Object.fromEntries((run.steps ?? []).map((record) => [record.step, record.state]));
  expect(states).toEqual({
    create_workspace: 'skipped',
    start_flow: 'skipped',
    index: 'skipped',
    terminate_flow: 'skipped',
    'start_flow #2': 'skipped',
    query: 'passed',
    'terminate_flow #2': 'skipped',
    delete_workspace: 'skipped',
    collect_stats: 'skipped',
  });
  // validate_images asked for exactly 5 matches per document: the index was there to answer.
  const query = run.steps?.find((record) => record.step === 'query');
  expect(query?.summaries[0]).toMatch(/^[\d,]+ req, [\d,]+ docs in /);
  expect(query?.summaries[0]).not.toContain('violations');
});

test('the steps the query depends on ran first, inline, each named in the output', () => {
  const lines = [
    'running prerequisite "create_workspace" first (step 1',
    'running prerequisite "start_flow" first (step 2',
    'running prerequisite "index" first (step 3, not selected by the test filter; "query" reads the data it writes)',
    'running prerequisite "terminate_flow" first (step 4',
    'running prerequisite "start_flow #2" first (step 5',
  ];
  const positions = lines.map((line) => run.output.indexOf(line));
  for (const [index, line] of lines.entries()) expect(positions[index], line).toBeGreaterThanOrEqual(0);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
});
