import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/jina-stress.mjs');
const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'jina-stress-cli-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

/** The real CLI (bin/, from the sources in this checkout) in a child process. */
function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: elsewhere }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('npx jina-stress', () => {
  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('--help lists the commands, examples and exit codes; each command has its own --help', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const command of ['init', 'validate', 'report', 'merge', 'agent']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(help.stdout).toContain('examples:');
    expect(help.stdout).toContain('npx jina-stress validate stress.yaml --json');
    expect(help.stdout).toContain('exit codes: 0 ok, 1 a step, threshold or check failed');
    for (const command of ['init', 'validate', 'report', 'merge', 'agent']) {
      const own = await run(command, '--help');
      expect(own.code, command).toBe(0);
      expect(own.stdout, command).toContain(`usage: jina-stress ${command}`);
    }
  });

  test('no command, an unknown command or an unknown option: usage on stderr, exit 2', async () => {
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: jina-stress <command>');
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    for (const command of ['init', 'validate', 'report', 'merge', 'agent']) {
      const option = await run(command, '--colour');
      expect(option.code, command).toBe(2);
      expect(option.stderr, command).toContain("Unknown option '--colour'");
      expect(option.stderr, command).toContain(`usage: jina-stress ${command}`);
      expect(option.stdout, command).toBe('');
    }
    // The agent takes no positionals: a stray word is not silently ignored (it never starts listening).
    const stray = await run('agent', '0.0.0.0');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "0.0.0.0"');
  });

  test('validate --json: one document with every problem, its place and hint; exit 2', async () => {
    const config = path.join(root, 'fixtures/bad-configs/typo-in-key.yaml');
    const valid = path.join(root, 'configs/local.yaml');
    const result = await run('validate', '--json', config, valid);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      files: { file: string; valid: boolean; problems: { yamlPath: string; line: number; column: number; message: string; hint?: string }[]; jobs?: { name: string; steps: { name: string }[] }[] }[];
    };
    expect(report.valid).toBe(false);
    expect(report.files.map((file) => [file.file, file.valid])).toEqual([[config, false], [valid, true]]);
    expect(report.files[0]!.problems).toHaveLength(3);
    expect(report.files[0]!.problems[0]).toEqual({
      file: config,
      yamlPath: 'jobs.smoke.steps[0].num_client',
      line: 6,
      column: 9,
      message: 'unknown key "num_client"',
      hint: 'did you mean "num_clients"?',
    });
    expect(report.files[1]!.jobs?.[0]?.steps.map((step) => step.name)).toContain('query');
  });

  test('validate --json on valid configs: exit 0', async () => {
    const result = await run('validate', '--json', path.join(root, 'configs/local.yaml'));
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { valid: boolean }).valid).toBe(true);
  });

  test('report with no results: says what to run first, exit 2', async () => {
    const result = await run('report', path.join(elsewhere, 'nothing'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run the stress job first (npx vitest run)');
  });
});
