import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter, Vitest } from 'vitest/node';
import { isStressError } from '../errors.ts';
import { initHistograms } from '../load/histogram.ts';
import { judgeLoadStep, type LoadVerdict } from '../load/judge-load-step.ts';
import type { LoadResult } from '../load/load-result.ts';
import { mergeLoadResults } from '../load/merge-load-results.ts';
import { replaceAllureAttachments, type AllureTaskMeta } from '../report/allure-attachment-messages.ts';
import { asTestFailure } from '../report/failure-categories.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import { buildLoadAttachments } from '../report/load-attachments.ts';
import { renderStatsText } from '../report/render-stats.ts';
import { buildStatsTable } from '../report/stats-table.ts';
import type { StepTaskMeta } from './build-suites.ts';
import { MERGED_VERDICTS_KEY, type MergedVerdicts } from './merged-verdicts.ts';

export interface MergeSegmentsReporterOptions {
  /** `merged/` goes here: one summary JSON per step and the stats table. */
  reportsDir?: string;
}

/**
 * `vitest --merge-reports` of generators' blob reports: the load steps' segments (task meta
 * `segmentResult`) are merged per step (merge-load-results.ts) and judged once on the
 * merged result (judgeLoadStep). Vitest and the reporters (Allure's included) see one copy
 * of the suite carrying the merged results; this one prints a summary line per step and one
 * stats table, writes `merged/<job>--<step>.summary.json`, and records the verdicts for the
 * exit code. Outside a merge, or without segments, it does nothing.
 */
export default class MergeSegmentsReporter implements Reporter {
  private vitest: Vitest | undefined;
  private merge: MergeOutcome | undefined;

  constructor(private readonly options: MergeSegmentsReporterOptions = {}) {}

  /**
   * In a merge, Vitest has read the blobs before it calls onInit and replays them after: the
   * steps are merged here, and each merged step's tests are given the merged verdict and the
   * merged attachments, so every reporter (Allure's included) reports one result per step
   * from the merged result.
   */
  async onInit(vitest: Vitest): Promise<void> {
    this.vitest = vitest;
    if (!vitest.config.mergeReports) return;
    const blobFiles = (vitest.state as unknown as { blobs?: { files: RunnerTestFile[] } }).blobs?.files;
    if (!blobFiles) return;
    this.merge = await mergeBlobTasks(blobFiles);
    // Every generator ran the same suite: one copy of it is replayed (in place: Vitest replays
    // this very array after onInit), segment 1's, whose lifecycle steps are the ones that ran.
    // Failures of the others' other tests are counted in the verdict already.
    const segmented = blobFiles.filter((file) => testsOf(file).some((task) => (task.meta as StepTaskMeta).jinaStress?.segment));
    const kept = segmented.find(isOwnerFile) ?? segmented.at(-1);
    for (const file of segmented) if (file !== kept) blobFiles.splice(blobFiles.indexOf(file), 1);
  }

  async onTestRunEnd(): Promise<void> {
    if (!this.vitest?.config.mergeReports) return;
    // Vitest without blobs in its state (another version): merge what the state holds.
    this.merge ??= await mergeBlobTasks(this.vitest.state.getFiles());
    const { steps, otherFailures } = this.merge;
    if (steps.length === 0) return;
    const verdicts: MergedVerdicts = { steps: [], otherFailures };
    const merged: LoadResult[] = [];
    const lines: string[] = ['', ' jina-stress merged segments'];
    for (const step of steps) {
      if (step.status === 'failed') {
        const message = isStressError(step.error) ? step.error.message : String(step.error);
        verdicts.steps.push({ name: step.name, status: 'failed', message });
        lines.push(`  ✗ ${step.name}: ${message}`);
        continue;
      }
      const { result, verdict } = step;
      merged.push(result);
      verdicts.steps.push({ name: step.name, status: verdict.status, ...(verdict.status === 'failed' ? { message: verdict.failure.message } : {}) });
      lines.push(`  ${verdict.status === 'passed' ? '✓' : '✗'} ${step.name} (${step.segments} segments): ${formatStepSummary(result)}`, `      generators: ${describeHealth(result)}`);
      if (verdict.status === 'failed') lines.push(`      ${verdict.failure.message}`);
      this.write(`${result.job}--${result.step}.summary.json`, `${JSON.stringify(result, null, 2)}\n`);
    }
    if (merged.length > 0) {
      const table = renderStatsText(buildStatsTable(merged), 'Merged stress test stats');
      lines.push('', table);
      this.write('stats.txt', `${table}\n`);
    }
    (globalThis as Record<symbol, unknown>)[MERGED_VERDICTS_KEY] = verdicts;
    this.vitest.logger.log(lines.join('\n'));
  }

  private write(file: string, text: string): void {
    if (!this.options.reportsDir) return;
    const dir = join(this.options.reportsDir, 'merged');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file.replace(/[^A-Za-z0-9._-]+/g, '_')), text);
  }
}

type MergedStep =
  | { status: 'merged'; name: string; segments: number; result: LoadResult; verdict: LoadVerdict }
  /** The segments could not be merged (one missing or repeated). */
  | { status: 'failed'; name: string; error: unknown };

interface MergeOutcome {
  steps: MergedStep[];
  /** Tests of the merged blobs that carry no segment (lifecycle steps) and failed. */
  otherFailures: number;
}

/**
 * Merges each load step's segments (merge-load-results.ts) and judges the merged result
 * (judgeLoadStep); every generator's test of that step then carries the merged verdict, its
 * summary and its attachments (charts, summary JSON, per-second CSV, percentiles).
 */
async function mergeBlobTasks(files: readonly RunnerTestFile[]): Promise<MergeOutcome> {
  const groups = new Map<string, Array<{ task: RunnerTask; part: LoadResult }>>();
  let otherFailures = 0;
  for (const task of files.flatMap((file) => testsOf(file))) {
    const part = (task.meta as StepTaskMeta).jinaStress?.segmentResult;
    if (!part) {
      if (task.result?.state === 'fail') otherFailures++;
      continue;
    }
    const name = `${part.job} › ${part.step}`;
    groups.set(name, [...(groups.get(name) ?? []), { task, part }]);
  }
  if (groups.size === 0) return { steps: [], otherFailures };
  await initHistograms();
  const steps: MergedStep[] = [];
  for (const [name, entries] of groups) {
    const parts = entries.map((entry) => entry.part).sort((a, b) => (a.segment?.index ?? 0) - (b.segment?.index ?? 0));
    let step: MergedStep;
    try {
      const result = mergeLoadResults(parts);
      step = { status: 'merged', name, segments: parts.length, result, verdict: judgeLoadStep(result) };
    } catch (error) {
      step = { status: 'failed', name, error };
    }
    steps.push(step);
    for (const { task } of entries) giveMergedResult(task, step);
  }
  return { steps, otherFailures };
}

/** The merged step's verdict, summary and attachments on one generator's test of it. */
function giveMergedResult(task: RunnerTask, step: MergedStep): void {
  const meta = task.meta as StepTaskMeta & AllureTaskMeta;
  const cause = step.status === 'failed' ? step.error : step.verdict.status === 'failed' ? step.verdict.failure : undefined;
  // As the suite reports a failed step: a breached threshold is a failure, a missing segment broken.
  const failure = cause === undefined ? undefined : asTestFailure(cause);
  task.result = {
    ...task.result,
    state: failure === undefined ? 'pass' : 'fail',
    errors: failure === undefined ? [] : [{ name: failure.name, message: failure.message, stack: '' }],
  } as RunnerTask['result'];
  if (step.status === 'failed') {
    meta.allureRuntimeMessages = replaceAllureAttachments(meta.allureRuntimeMessages ?? [], []);
    return;
  }
  if (meta.jinaStress) meta.jinaStress.summaries = [formatStepSummary(step.result)];
  const generators = { name: 'generators', contentType: 'text/plain', body: `${step.segments} generators merged: ${describeHealth(step.result)}\n` };
  meta.allureRuntimeMessages = replaceAllureAttachments(meta.allureRuntimeMessages ?? [], [...buildLoadAttachments(step.result), generators]);
}

function describeHealth(result: LoadResult): string {
  return result
    .mergedFrom!.generators.map((generator) => `#${generator.segment} cpu ${generator.cpuPercent.toFixed(0)}% busy ${generator.busyPercent.toFixed(0)}%${generator.saturated ? ' SATURATED' : ''}`)
    .join(', ');
}

/** A blob of segment 1 (every test carries its generator's segment). */
function isOwnerFile(file: RunnerTestFile): boolean {
  return testsOf(file).some((task) => (task.meta as StepTaskMeta).jinaStress?.segment?.index === 1);
}

function testsOf(task: RunnerTask | RunnerTestFile): RunnerTask[] {
  return 'tasks' in task ? task.tasks.flatMap((child) => testsOf(child)) : [task];
}
