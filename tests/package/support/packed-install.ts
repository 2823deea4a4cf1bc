import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

/** What the package project's global setup made once and shares with every test file. */
export interface PackedInstall {
  /** Temporary folder holding everything below. */
  workDir: string;
  tarball: string;
  /** `npm init -y` + the tarball + the highest vitest (the repo's own), installed once. */
  latest: { dir: string; vitest: string };
  /** The same with the lowest vitest of the peer range. */
  lowest: { dir: string; vitest: string };
}

export interface CommandRun {
  exitCode: number | null;
  output: string;
}

/** Runs a command to completion, stdout and stderr together. Never rejects on a non-zero exit. */
export function runCommand(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CommandRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      // CI=1: plain progress lines; no colours in what tests read.
      env: { ...process.env, CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', STRESS_CONFIG: '', npm_config_update_notifier: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolvePromise({ exitCode, output }));
  });
}

/** `npm pack` of this repository (prepack builds dist/); the tarball's path. */
export async function packRepository(destination: string): Promise<string> {
  const run = await runCommand('npm', ['pack', '--pack-destination', destination, '--json'], repoRoot);
  if (run.exitCode !== 0) throw new Error(`npm pack failed (${run.exitCode}):\n${run.output}`);
  // The JSON array comes after the build's own output.
  const json = JSON.parse(run.output.slice(run.output.indexOf('[\n'))) as { filename: string }[];
  return join(destination, json[0]!.filename);
}

/**
 * A fresh project as a user starts one: `npm init -y`, then the packed package and vitest
 * from the registry, through the shared npm cache (--prefer-offline: what the repo's own
 * install fetched is not fetched again).
 */
export async function installProject(dir: string, tarball: string, vitestVersion: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const init = await runCommand('npm', ['init', '-y'], dir);
  if (init.exitCode !== 0) throw new Error(`npm init failed:\n${init.output}`);
  const install = await runCommand(
    'npm',
    ['install', '--save-dev', tarball, `vitest@${vitestVersion}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    dir,
  );
  if (install.exitCode !== 0) throw new Error(`npm install in ${dir} failed:\n${install.output}`);
}

/**
 * A project folder sharing an installed project's node_modules: hard links (`cp -al`), so
 * each case is its own folder as Node and Vitest see it, in a second instead of an install.
 * Nothing in a test writes into node_modules in place.
 */
export async function projectFrom(installed: string, dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  await new Promise<void>((resolvePromise, reject) =>
    execFile('cp', ['-al', join(installed, 'node_modules'), join(dir, 'node_modules')], (error) => (error ? reject(error) : resolvePromise())),
  );
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

/** The stats table rows `collect_stats` wrote (reports/stats.json). */
export async function readStatsRows(dir: string): Promise<{ job: string; task: string; requests: number; docs: number; errors: number; passed: boolean }[]> {
  const stats = JSON.parse(await readFile(join(dir, 'reports/stats.json'), 'utf8')) as { rows: never[] };
  return stats.rows;
}

/** The repo's own vitest, the highest version the peer range is tested at. */
export async function installedVitestVersion(): Promise<string> {
  return (JSON.parse(await readFile(join(repoRoot, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }).version;
}

/** The lowest version of the peer range (`^4.1.0` → 4.1.0). */
export async function lowestVitestVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { peerDependencies: { vitest: string } };
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(manifest.peerDependencies.vitest);
  if (!match) throw new Error(`peer range ${manifest.peerDependencies.vitest} is not ^x.y.z: update lowestVitestVersion`);
  return match[1]!;
}
