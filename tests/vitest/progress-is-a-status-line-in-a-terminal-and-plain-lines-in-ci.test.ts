import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, type StressProject } from './support/stress-project.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
let project: StressProject;

const PROGRESS = /⏱ \[progress › index\] (\d+)s\/4s \((?:\d+s left|finishing)\): [\d,.]+ QPS, [\d,]+ docs\/s, p99 [\d.]+ ms, 0 errors, generator CPU \d+%/g;

beforeAll(async () => {
  const flow = referenceFlow('index-grpc.yml');
  project = await createStressProject(`jobs:
  progress:
    steps:
      - method: create_workspace
        files: [${flow}]
      - method: start_flow
        file: ${flow}
      - method: index
        execution_time: 4
        num_clients: 2
        request_size: 5
        inputs: { method: random_texts, kwargs: { num_docs: 20 } }
`);
  await writeFile(
    join(project.dir, 'vitest.config.ts'),
    [
      "import { defineConfig } from 'vitest/config';",
      `import { jinaStress } from ${JSON.stringify(join(repoRoot, 'src/vitest/jina-stress.ts'))};`,
      "export default defineConfig({ plugins: [jinaStress({ config: 'stress.yaml', reportsDir: 'reports', progressIntervalS: 2 })] });",
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await project?.remove();
});

function runVitest(command: string, args: string[], env: Record<string, string>): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: project.dir, env: { ...process.env, STRESS_CONFIG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolvePromise({ exitCode, output }));
  });
}

const vitestBin = join(repoRoot, 'node_modules/vitest/vitest.mjs');

test('in CI (no terminal, CI set): plain lines at the plugin\'s progressIntervalS, nothing redrawn', async () => {
  const run = await runVitest(process.execPath, [vitestBin, 'run'], { CI: '1', NO_COLOR: '1' });
  expect(run.exitCode, run.output).toBe(0);
  const seconds = [...run.output.matchAll(PROGRESS)].map((match) => Number(match[1]));
  // Every 2 s of a 4 s phase: at 2 and 4 (the drain after the deadline may add one).
  expect(seconds.slice(0, 2)).toEqual([2, 4]);
  expect(run.output).not.toContain('\x1b[1A');
}, 90_000);

test('in a terminal: one status line per running step, redrawn in place every second', async () => {
  // script(1) gives the run a pseudo-terminal, as an interactive shell would.
  const run = await runVitest('script', ['-qfec', `stty cols 160; ${process.execPath} ${vitestBin} run`, '/dev/null'], { CI: '' });
  expect(run.exitCode, run.output).toBe(0);
  const seconds = [...run.output.matchAll(PROGRESS)].map((match) => Number(match[1]));
  expect(seconds.slice(0, 3)).toEqual([1, 2, 3]);
  // Each update after the first erases the row the previous one took, then draws itself.
  const redrawn = [...run.output.matchAll(/\x1b\[1A\x1b\[0J {2}⏱ \[progress › index\] (\d+)s\/4s/g)].map((match) => Number(match[1]));
  expect(redrawn).toEqual(expect.arrayContaining([2, 3]));
}, 90_000);
