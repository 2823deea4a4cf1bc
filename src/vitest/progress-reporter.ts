import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import type { StepTaskMeta } from './build-suites';

interface Annotation {
  type: string;
  message: string;
}

/**
 * Prints what steps say while they run (progress of load phases, lifecycle notes) and, at the
 * end, one summary line per step. Workers have no TTY, so progress travels as test
 * annotations and is printed here, in the main process, through Vitest's logger.
 */
export default class ProgressReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestCaseAnnotate(testCase: TestCase, annotation: Annotation): void {
    if (!['progress', 'log', 'skipped'].includes(annotation.type)) return;
    const where = `${testCase.parent.type === 'suite' ? testCase.parent.name : ''} › ${testCase.name}`;
    this.vitest?.logger.log(`  ${annotation.type === 'progress' ? '⏱' : '·'} [${where}] ${annotation.message}`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of modules) {
      for (const testCase of module.children.allTests()) {
        const meta = testCase.meta() as StepTaskMeta;
        const summaries = meta.jinaStress?.summaries ?? [];
        const state = testCase.result().state;
        const job = testCase.parent.type === 'suite' ? testCase.parent.name : '';
        lines.push(`  ${symbolOf(state)} ${job} › ${testCase.name}${state === 'passed' ? '' : ` (${state})`}`);
        for (const summary of summaries) lines.push(`      ${summary}`);
        if (state === 'skipped') {
          const reason = testCase.annotations().find((annotation) => annotation.type === 'skipped');
          if (reason) lines.push(`      ${reason.message}`);
        }
      }
    }
    if (lines.length > 0) this.vitest?.logger.log(['', ' jina-stress steps', ...lines, ''].join('\n'));
  }
}

function symbolOf(state: string): string {
  return state === 'passed' ? '✓' : state === 'failed' ? '✗' : '↓';
}
