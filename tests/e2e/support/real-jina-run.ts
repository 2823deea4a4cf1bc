import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadResult } from '../../../src/load/load-result.ts';
import { createStressProject, type StressProject, type StressRun } from '../../vitest/support/stress-project.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

export type DocarrayMajor = 'v1' | 'v2';

/**
 * The Python environment `scripts/setup-jina.sh` made for one docarray major (in
 * `$JINA_ENVS_DIR`, as the script, default `.jina-envs`), or why it is missing.
 */
export function jinaEnvironment(docarray: DocarrayMajor): { status: 'ready'; python: string } | { status: 'missing'; reason: string } {
  const bin = join(process.env.JINA_ENVS_DIR || join(repoRoot, '.jina-envs'), docarray, 'bin');
  if (!existsSync(join(bin, 'jina'))) {
    return { status: 'missing', reason: `${join(bin, 'jina')} not found: run \`bash scripts/setup-jina.sh ${docarray}\`` };
  }
  return { status: 'ready', python: join(bin, 'python') };
}

export interface RealJinaRun {
  project: StressProject;
  run: StressRun;
  /** Every load step's LoadResult, read back from its Allure `summary.json` attachment. */
  reports: LoadResult[];
  statsMarkdown: string;
  /** Workspace ids the run's log named (each Flow's processes run in that folder). */
  workspaceIds: string[];
  /** Live processes under the run's workspaces, counted each time a Flow said it was ready. */
  processesAtReady: number[];
}

/**
 * Runs a repo config (configs/jina-e2e*.yaml) through the real plugin in a user-style project
 * (tests/vitest/support/stress-project), the embedded agent running Flows with the `jina` of
 * `python`'s environment. While it runs, each "ready" line triggers a count of the processes
 * in the run's workspaces, so the final "nothing left" check is known to see real Flows.
 */
export async function runRealJinaConfig(configFile: string, python: string): Promise<RealJinaRun> {
  const project = await createStressProject('# replaced: the config below is the repo file itself\n');
  // The repo config is used in place (its relative paths resolve against configs/).
  await writeFile(
    join(project.dir, 'vitest.config.ts'),
    [
      "import { defineConfig } from 'vitest/config';",
      `import { jinaStress } from ${JSON.stringify(join(repoRoot, 'src/vitest/jina-stress.ts'))};`,
      `export default defineConfig({ plugins: [jinaStress({ config: ${JSON.stringify(join(repoRoot, configFile))}, reportsDir: 'reports' })] });`,
      '',
    ].join('\n'),
  );
  const workspaceIds: string[] = [];
  const processesAtReady: number[] = [];
  let pending = '';
  const run = await project.run([], {
    env: { JINA_PYTHON: python, JINA_STRESS_PROCESS_COMMAND: '' },
    onOutput: (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const created = /workspace ([0-9a-f-]{36}) created/.exec(line);
        if (created) workspaceIds.push(created[1] as string);
        if (/\(process\) ready in/.test(line)) processesAtReady.push(processesInWorkspaces(workspaceIds).length);
      }
    },
  });
  return {
    project,
    run,
    reports: await readStepReports(join(project.reportsDir, 'allure-results')),
    statsMarkdown: await readFile(join(project.reportsDir, 'stats.md'), 'utf8').catch(() => ''),
    workspaceIds,
    processesAtReady,
  };
}

/**
 * Running processes whose working folder is one of these workspaces (`jina flow` and every
 * executor it forked start there), read from /proc. Zombies count as gone: PID 1 of this
 * container does not reap orphans.
 */
export function processesInWorkspaces(workspaceIds: readonly string[]): number[] {
  if (workspaceIds.length === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (!workspaceIds.some((id) => cwd.includes(id))) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state !== 'Z' && state !== 'X') pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

async function readStepReports(resultsDir: string): Promise<LoadResult[]> {
  const files = await readdir(resultsDir).catch(() => [] as string[]);
  const reports: LoadResult[] = [];
  for (const file of files.filter((name) => name.endsWith('-result.json'))) {
    const result = JSON.parse(await readFile(join(resultsDir, file), 'utf8'));
    // allure-js 3 records each attachment as a step holding it.
    const attachments: Array<{ name: string; source: string }> = [
      ...result.attachments,
      ...result.steps.flatMap((step: { attachments: unknown[] }) => step.attachments),
    ];
    const summary = attachments.find((attachment) => attachment.name === 'summary.json');
    if (summary) reports.push(JSON.parse(await readFile(join(resultsDir, summary.source), 'utf8')) as LoadResult);
  }
  return reports;
}

/** The report of `job › step`; fails loudly when the run did not leave it. */
export function reportOf(reports: readonly LoadResult[], job: string, step: string): LoadResult {
  const report = reports.find((candidate) => candidate.job === job && candidate.step === step);
  if (!report) throw new Error(`no summary.json for ${job} › ${step}; have: ${reports.map((r) => `${r.job} › ${r.step}`).join(', ')}`);
  return report;
}
