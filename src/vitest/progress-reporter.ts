import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import { knownSecretsOf } from '../report/known-secrets.ts';
import { redactSecrets } from '../report/redact-secrets.ts';
import type { StepTaskMeta } from './build-suites.ts';
import { PAYLOAD_KEY, type SuitePayload } from './suite-payload.ts';

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
  /**
   * A terminal: each running step's latest progress is a status line redrawn in place.
   * Otherwise (CI, a pipe) every progress update is a plain line.
   */
  live?: boolean;
}

// Cursor up n rows, then erase to the end of the screen.
const eraseRowsAbove = (rows: number) => (rows > 0 ? `\x1b[${rows}A\x1b[0J` : '');

/**
 * Prints what steps say while they run (progress of load phases, lifecycle notes) and, at the
 * end, one summary per step; writes the same as `steps.json`. Workers have no TTY, so progress
 * travels as test annotations and is printed here, in the main process, via Vitest's logger.
 * In a terminal the progress of each running step is one status line, redrawn in place; in
 * CI each update is a line of its own (the step sends them at the configured interval).
 */
export default class ProgressReporter implements Reporter {
  private vitest: Vitest | undefined;
  private secrets: readonly string[] | undefined;
  /** Live mode: the latest progress line of each running step, by test id. */
  private readonly statusLines = new Map<string, string>();
  /** Live mode: rows the status block occupies on screen now. */
  private drawnRows = 0;

  constructor(private readonly options: ProgressReporterOptions = {}) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestCaseAnnotate(testCase: TestCase, annotation: Annotation): void {
    if (!['progress', 'log', 'skipped'].includes(annotation.type)) return;
    const line = this.redact(`  ${annotation.type === 'progress' ? '⏱' : '·'} [${jobOf(testCase)} › ${testCase.name}] ${annotation.message}`);
    if (!this.options.live) {
      this.vitest?.logger.log(line);
    } else if (annotation.type === 'progress') {
      this.statusLines.set(testCase.id, line);
      this.redraw();
    } else {
      this.redraw(line);
    }
  }

  onTestCaseResult(testCase: TestCase): void {
    if (this.statusLines.delete(testCase.id)) this.redraw();
  }

  /** Erases the status block, prints `above` (a line that stays), draws the block again. */
  private redraw(above?: string): void {
    const output = this.vitest?.logger.outputStream;
    if (!output) return;
    // A terminal that does not say its width (columns 0) gets a generous guess.
    const reported = (output as { columns?: number }).columns ?? 0;
    const columns = reported > 0 ? Math.max(20, reported) : 160;
    // One row per line, or the cursor-up count would be wrong: cut to the terminal width.
    const block = [...this.statusLines.values()].map((line) => (line.length >= columns ? `${line.slice(0, columns - 2)}…` : line));
    output.write(`${eraseRowsAbove(this.drawnRows)}${above === undefined ? '' : `${above}\n`}${block.map((line) => `${line}\n`).join('')}`);
    this.drawnRows = block.length;
  }

  /**
   * The worker redacts what it sends; this is the second layer, for what Vitest adds (error
   * messages it built) and for anything a step forgot. Secrets come from the plan global
   * setup provided, read once the run is known.
   */
  private redact(text: string): string {
    if (!this.secrets) {
      const payload = this.vitest?.getRootProject().getProvidedContext()[PAYLOAD_KEY] as SuitePayload | undefined;
      if (!payload) return redactSecrets(text);
      this.secrets = knownSecretsOf(payload.plan);
    }
    return redactSecrets(text, this.secrets);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (this.statusLines.size > 0) {
      this.statusLines.clear();
      this.redraw();
    }
    const records = modules.flatMap((module) => [...module.children.allTests()].map(recordOf));
    if (records.length === 0) return;
    const lines = records.flatMap((record) => [
      `  ${symbolOf(record.state)} ${record.job} › ${record.step}${record.state === 'passed' ? '' : ` (${record.state})`}`,
      ...record.summaries.map((summary) => `      ${summary}`),
      ...(record.skipReason ? [`      ${record.skipReason}`] : []),
    ]);
    this.vitest?.logger.log(this.redact(['', ' jina-stress steps', ...lines, ''].join('\n')));
    if (this.options.reportsDir) {
      mkdirSync(this.options.reportsDir, { recursive: true });
      writeFileSync(join(this.options.reportsDir, 'steps.json'), this.redact(`${JSON.stringify(records, null, 2)}\n`));
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
    // Cancelled mid-step (Ctrl+C, SIGTERM): not a failure of the target, and the numbers are partial.
    state: meta.jinaStress?.interrupted ? 'interrupted' : result.state,
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
  return state === 'passed' ? '✓' : state === 'failed' ? '✗' : state === 'interrupted' ? '⊘' : '↓';
}
