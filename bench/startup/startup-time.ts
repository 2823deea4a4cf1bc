import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

// Startup: wall time from spawning `npx vitest run` (the default config, configs/local.yaml)
// to the first step starting and to the first request of the first load step, N times.
//  - first step: the earliest `start` among the Allure results (allure-vitest stamps it when
//    the test begins, Date.now() in the worker);
//  - first request: the first load step's LoadResult `startedAt` (summary.json attachment),
//    the instant the engine released its clients — the closed model sends every client's
//    first request in that same tick, after the clients connected;
//  - Vitest's own split (transform, import, setup) from its closing `Duration` line.
// Runs with bench/startup/vitest.startup.config.ts: the project's config with reports in a
// temporary folder. Usage: npx tsx bench/startup/startup-time.ts [--runs 3]

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const root = new URL('../..', import.meta.url).pathname;

interface Run {
  toFirstStepS: number;
  toFirstRequestS: number;
  firstLoadStep: string;
  totalS: number;
  /** The load steps' own wall time (their StepReports' wallTimeS), summed. */
  phasesS: number;
  /** Per load step: p50 round trip, executor means and gateway overhead, client CPU per request. */
  steps: string[];
  vitestSplit: string;
}

interface SummaryAttachment {
  step?: string;
  startedAt?: string;
  wallTimeS?: number;
  requests?: number;
  generatorCpuMs?: number;
  latency?: { p50Ms: number };
  executors?: Array<{ executor: string; meanMs: number }>;
  gatewayOverhead?: { meanMs: number };
}

async function measure(): Promise<Run> {
  const reportsDir = await mkdtemp(join(tmpdir(), 'startup-reports-'));
  try {
    const startedAt = Date.now();
    const child = spawn('npx', ['vitest', 'run', '--config', 'bench/startup/vitest.startup.config.ts'], {
      cwd: root,
      env: { ...process.env, STARTUP_REPORTS_DIR: reportsDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const totalS = (Date.now() - startedAt) / 1000;
    if (code !== 0) throw new Error(`npx vitest run exited ${code}:\n${output.slice(-3000)}`);

    const resultsDir = join(reportsDir, 'allure-results');
    const files = await readdir(resultsDir);
    const tests = await Promise.all(
      files.filter((file) => file.endsWith('-result.json')).map(async (file) => JSON.parse(await readFile(join(resultsDir, file), 'utf8')) as { name: string; start: number }),
    );
    const firstStep = Math.min(...tests.map((test) => test.start));
    const reports = (
      await Promise.all(
        files.filter((file) => file.endsWith('-attachment.json')).map(async (file) => JSON.parse(await readFile(join(resultsDir, file), 'utf8')) as SummaryAttachment),
      )
    ).filter((report) => typeof report.startedAt === 'string' && typeof report.step === 'string');
    if (reports.length === 0) throw new Error('no load step summary.json among the Allure attachments');
    const first = reports.map((report) => ({ step: report.step!, at: Date.parse(report.startedAt!) })).sort((a, b) => a.at - b.at)[0]!;
    const split = /Duration\s+[\d.]+m?s\s+\(([^)]*)\)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''))?.[1] ?? '';
    const phasesS = reports.reduce((sum, report) => sum + (report.wallTimeS ?? 0), 0);
    const steps = reports.map(
      (report) =>
        `${report.step}: p50 ${report.latency?.p50Ms.toFixed(1)} ms (executors ${(report.executors ?? []).map((executor) => `${executor.executor} ${executor.meanMs.toFixed(2)}`).join(', ')} ms mean; ` +
        `gateway overhead ${report.gatewayOverhead?.meanMs.toFixed(2) ?? '–'} ms mean), client CPU ${(((report.generatorCpuMs ?? 0) * 1000) / Math.max(1, report.requests ?? 0)).toFixed(0)} µs/request`,
    );
    return { toFirstStepS: (firstStep - startedAt) / 1000, toFirstRequestS: (first.at - startedAt) / 1000, firstLoadStep: first.step, totalS, phasesS, steps, vitestSplit: split };
  } finally {
    await rm(reportsDir, { recursive: true, force: true });
  }
}

const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const run = await measure();
  results.push(run);
  console.error(`run ${i + 1}: first step ${run.toFirstStepS.toFixed(2)} s, first request ${run.toFirstRequestS.toFixed(2)} s (${run.firstLoadStep}), whole run ${run.totalS.toFixed(1)} s; vitest: ${run.vitestSplit}`);
  for (const step of run.steps) console.error(`  ${step}`);
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log('| measure | median s | runs (s) |');
console.log('|---|---:|---|');
for (const [label, pick] of [
  ['`npx vitest run` → first step starts', (run: Run) => run.toFirstStepS],
  ['`npx vitest run` → first request (first load step)', (run: Run) => run.toFirstRequestS],
  ['whole run', (run: Run) => run.totalS],
  ['load phases (sum of the load steps\' wall time)', (run: Run) => run.phasesS],
  ['wall time the run adds beyond its phases', (run: Run) => run.totalS - run.phasesS],
] as const) {
  console.log(`| ${label} | ${median(results.map(pick)).toFixed(2)} | ${results.map((run) => pick(run).toFixed(2)).join(', ')} |`);
}
