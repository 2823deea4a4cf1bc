import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/jina-stress.mjs');
const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'jina-stress-validate-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

/** The real CLI in a child process, run from a folder that is not the repo. */
function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, JINA_GATEWAY_HOST: '', JINA_GATEWAY_PORT: '' };
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'validate', ...args], { cwd: elsewhere, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('npx jina-stress validate', () => {
  test('a valid config from another folder: exit 0, paths resolved against the config folder, a per-job summary', async () => {
    const result = await run(path.join(root, 'configs/examples/seed-images.yaml'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': 1 job, 10 steps');
    expect(result.stdout).toContain('  images-stress-test\n    1. create_workspace\n    2. start_flow\n');
    expect(result.stdout).toContain('    5. start_flow #2\n');
  });

  test('an invalid config: exit 2, problems on stderr, nothing on stdout', async () => {
    const config = path.join(root, 'fixtures/bad-configs/typo-in-key.yaml');
    const result = await run(config);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${config}:6:9  jobs.smoke.steps[0].num_client  unknown key "num_client"\n  hint: did you mean "num_clients"?`);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`invalid: ${config}: 3 problems`);
  });

  test('a config that does not exist: exit 2 and a clear message', async () => {
    const result = await run('no-such-config.yaml');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[CONFIG_NOT_FOUND] config not found: no-such-config.yaml');
  });

  test('no config given: usage and exit 2 (bad usage)', async () => {
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: jina-stress validate [--json] <config.yaml>');
  });
});
