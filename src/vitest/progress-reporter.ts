import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import type { StepTaskMeta } from './build-suites.ts';

interface Annotation {
  type: string;
  message: string;
}

/** One line of `reports/steps.json`: what each step did, for CI scripts and tests. */
export interface StepRecord {
  job: string;
  step: string;
  kind?: string;
  state: string;
  durationMs?: number;
  error?: string;
  skipReason?: string;
  summaries: string[];
}

export interface ProgressReporterOptions {
  /** Where `steps.json` goes; absent: not written. */
  reportsDir?: string;
}

/**
 * Prints what steps say while they run (progress of load phases, lifecycle notes) and, at the
 * end, one summary per step; writes the same as `steps.json`. Workers have no TTY, so progress
 * travels as test annotations and is printed here, in the main process, via Vitest's logger.
 */
export default class ProgressReporter implements Reporter {
  private vitest: Vitest | undefined;

  constructor(private readonly options: ProgressReporterOptions = {}) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestCaseAnnotate(testCase: TestCase, annotation: Annotation): void {
    if (!['progress', 'log', 'skipped'].includes(annotation.type)) return;
    const where = `${jobOf(testCase)} › ${testCase.name}`;
    this.vitest?.logger.log(`  ${annotation.type === 'progress' ? '⏱' : '·'} [${where}] ${annotation.message}`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const records = modules.flatMap((module) => [...module.children.allTests()].map(recordOf));
    if (records.length === 0) return;
    const lines = records.flatMap((record) => [
      `  ${symbolOf(record.state)} ${record.job} › ${record.step}${record.state === 'passed' ? '' : ` (${record.state})`}`,
      ...record.summaries.map((summary) => `      ${summary}`),
      ...(record.skipReason ? [`      ${record.skipReason}`] : []),
    ]);
    this.vitest?.logger.log(['', ' jina-stress steps', ...lines, ''].join('\n'));
    if (this.options.reportsDir) {
      mkdirSync(this.options.reportsDir, { recursive: true });
      writeFileSync(join(this.options.reportsDir, 'steps.json'), `${JSON.stringify(records, null, 2)}\n`);
    }
  }
}

function recordOf(testCase: TestCase): StepRecord {
  const meta = testCase.meta() as StepTaskMeta;
  const result = testCase.result();
  const diagnostic = testCase.diagnostic();
  const skip = testCase.annotations().find((annotation) => annotation.type === 'skipped');
  return {
    job: jobOf(testCase),
    step: testCase.name,
    ...(meta.jinaStress ? { kind: meta.jinaStress.kind } : {}),
    state: result.state,
    ...(diagnostic ? { durationMs: Math.round(diagnostic.duration) } : {}),
    ...(result.state === 'failed' && result.errors?.[0] ? { error: result.errors[0].message } : {}),
    ...(skip ? { skipReason: skip.message } : {}),
    summaries: meta.jinaStress?.summaries ?? [],
  };
}

function jobOf(testCase: TestCase): string {
  return testCase.parent.type === 'suite' ? testCase.parent.name : '';
}

function symbolOf(state: string): string {
  return state === 'passed' ? '✓' : state === 'failed' ? '✗' : '↓';
}
