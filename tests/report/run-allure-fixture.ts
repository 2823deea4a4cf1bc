import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildRun {
  exitCode: number | null;
  output: string;
}

/** Run a node CLI from the repo root with the given env, collecting its output. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output: output.replace(/\u001b\[[0-9;]*m/g, '') }));
  });
}

/** The parent's env without Vitest's worker variables, which would confuse a nested run. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'NODE_OPTIONS'));
  delete env.FORCE_COLOR;
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * A real Vitest run of tests/report/fixtures/allure-run with allure-vitest: start_flow and
 * index pass, query breaches a p99 threshold, terminate_flow cannot reach the daemon.
 */
export function runAllureFixture(resultsDir: string): Promise<ChildRun> {
  return runNode(
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'tests/report/fixtures/allure-run/vitest.config.ts'],
    cleanEnv({ FIXTURE_ALLURE_RESULTS: resultsDir }),
  );
}

/** `npm run report` without npm: the same script, the same tsx. */
export function runReportScript(args: string[]): Promise<ChildRun> {
  return runNode(['node_modules/tsx/dist/cli.mjs', 'scripts/report.ts', ...args], cleanEnv({}));
}
