import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StepRecord } from '../../../src/vitest/progress-reporter.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

export interface StressRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  steps: StepRecord[] | undefined;
}

export interface StressProject {
  dir: string;
  reportsDir: string;
  run(args?: string[], options?: RunOptions): Promise<StressRun>;
  remove(): Promise<void>;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** `child.pid` leads the run's own process group: `-pid` signals all of it. */
  onOutput?: (chunk: string, child: { pid: number | undefined }) => void;
  /** Start it as users do, `npx vitest run` (npm, a shell, then Vitest), not node directly. */
  viaNpx?: boolean;
}

/**
 * A user's project in a temporary folder: its own vitest.config.ts with the plugin and a
 * config file, node_modules linked to ours. Runs are real `vitest run` child processes.
 */
export async function createStressProject(configYaml: string): Promise<StressProject> {
  const dir = await mkdtemp(join(tmpdir(), 'jina-stress-project-'));
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  await writeFile(
    join(dir, 'vitest.config.ts'),
    [
      "import { defineConfig } from 'vitest/config';",
      `import { jinaStress } from ${JSON.stringify(join(repoRoot, 'src/vitest/jina-stress.ts'))};`,
      "export default defineConfig({ plugins: [jinaStress({ config: 'stress.yaml', reportsDir: 'reports' })] });",
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'stress.yaml'), configYaml);
  const reportsDir = join(dir, 'reports');
  return {
    dir,
    reportsDir,
    run: (args = [], options = {}) => runVitest(dir, reportsDir, args, options),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function runVitest(
  dir: string,
  reportsDir: string,
  args: string[],
  options: RunOptions,
): Promise<StressRun> {
  return new Promise((resolvePromise, reject) => {
    rmSync(join(reportsDir, 'steps.json'), { force: true });
    const [command, commandArgs] = options.viaNpx
      ? ['npx', ['vitest', 'run', ...args]]
      : [process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', ...args]];
    const child = spawn(command, commandArgs, {
      cwd: dir,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0', NO_COLOR: '1', STRESS_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      options.onOutput?.(chunk.toString(), { pid: child.pid });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', async (exitCode, signal) => {
      const steps = await readFile(join(reportsDir, 'steps.json'), 'utf8')
        .then((text) => JSON.parse(text) as StepRecord[])
        .catch(() => undefined);
      resolvePromise({ exitCode, signal, output, steps });
    });
  });
}

/** The state of each step, `job › step` → state. */
export function statesOf(run: StressRun): Record<string, string> {
  return Object.fromEntries((run.steps ?? []).map((record) => [`${record.job} › ${record.step}`, record.state]));
}
