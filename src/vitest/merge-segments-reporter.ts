import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter, Vitest } from 'vitest/node';
import { isStressError } from '../errors.ts';
import { initHistograms } from '../load/histogram.ts';
import { judgeLoadStep } from '../load/judge-load-step.ts';
import type { LoadResult } from '../load/load-result.ts';
import { mergeLoadResults } from '../load/merge-load-results.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import { renderStatsText } from '../report/render-stats.ts';
import { buildStatsTable } from '../report/stats-table.ts';
import type { StepTaskMeta } from './build-suites.ts';

export interface MergeSegmentsReporterOptions {
  /** `merged/` goes here: one summary JSON per step and the stats table. */
  reportsDir?: string;
}

/** What the merge decided, step by step; the plugin's onClose turns it into the exit code. */
export interface MergedVerdicts {
  steps: Array<{ name: string; status: 'passed' | 'failed'; message?: string }>;
  /** Tests of the merged blobs that carry no segment (lifecycle steps) and failed. */
  otherFailures: number;
}

/** Set on `globalThis` by the reporter, read by the plugin's onClose (same main process). */
export const MERGED_VERDICTS_KEY = Symbol.for('jina-stress.mergedVerdicts');

/**
 * `vitest --merge-reports` of generators' blob reports: the load steps' segments (task meta
 * `segmentResult`) are merged per step (merge-load-results.ts) and judged once on the
 * merged result (judgeLoadStep). Prints one summary line per step and one stats table,
 * writes `merged/<job>--<step>.summary.json`, and records the verdicts for the exit code.
 * Outside a merge, or without segments, it does nothing.
 */
export default class MergeSegmentsReporter implements Reporter {
  private vitest: Vitest | undefined;

  constructor(private readonly options: MergeSegmentsReporterOptions = {}) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  async onTestRunEnd(): Promise<void> {
    if (!this.vitest?.config.mergeReports) return;
    const groups = new Map<string, LoadResult[]>();
    let otherFailures = 0;
    // The blobs' own task trees, one file per generator: every generator ran the same suite
    // file, so their tests share ids, and every view keyed by id (TestModule, state.getFiles)
    // keeps one generator's tests only. `state.blobs` is where Vitest's mergeReports keeps them.
    const blobFiles = (this.vitest.state as unknown as { blobs?: { files: RunnerTestFile[] } }).blobs?.files ?? this.vitest.state.getFiles();
    for (const task of blobFiles.flatMap((file) => testsOf(file))) {
      const part = (task.meta as StepTaskMeta).jinaStress?.segmentResult;
      if (!part) {
        if (task.result?.state === 'fail') otherFailures++;
        continue;
      }
      const name = `${part.job} › ${part.step}`;
      groups.set(name, [...(groups.get(name) ?? []), part]);
    }
    if (groups.size === 0) return;
    await initHistograms();
    const verdicts: MergedVerdicts = { steps: [], otherFailures };
    const merged: LoadResult[] = [];
    const lines: string[] = ['', ' jina-stress merged segments'];
    for (const [name, parts] of groups) {
      try {
        const result = mergeLoadResults(parts.sort((a, b) => (a.segment?.index ?? 0) - (b.segment?.index ?? 0)));
        merged.push(result);
        const verdict = judgeLoadStep(result);
        verdicts.steps.push({ name, status: verdict.status, ...(verdict.status === 'failed' ? { message: verdict.failure.message } : {}) });
        const health = result.mergedFrom!.generators
          .map((generator) => `#${generator.segment} cpu ${generator.cpuPercent.toFixed(0)}% busy ${generator.busyPercent.toFixed(0)}%${generator.saturated ? ' SATURATED' : ''}`)
          .join(', ');
        lines.push(`  ${verdict.status === 'passed' ? '✓' : '✗'} ${name} (${parts.length} segments): ${formatStepSummary(result)}`, `      generators: ${health}`);
        if (verdict.status === 'failed') lines.push(`      ${verdict.failure.message}`);
        this.write(`${result.job}--${result.step}.summary.json`, `${JSON.stringify(result, null, 2)}\n`);
      } catch (error) {
        const message = isStressError(error) ? error.message : String(error);
        verdicts.steps.push({ name, status: 'failed', message });
        lines.push(`  ✗ ${name}: ${message}`);
      }
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

function testsOf(task: RunnerTask | RunnerTestFile): RunnerTask[] {
  return 'tasks' in task ? task.tasks.flatMap((child) => testsOf(child)) : [task];
}
