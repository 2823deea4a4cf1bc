import { StressError, isStressError } from '../errors.ts';
import type { StepPlan } from '../config/plan.ts';
import { findPrerequisites } from './find-prerequisites.ts';
import type { JobContext } from './job-context.ts';
import type { StepContext, StepDefinition } from './step-definition.ts';
import { stepRegistry } from './step-registry.ts';
import { terminateJobResources } from './terminate-job-resources.ts';

export type StepOutcome =
  | { status: 'passed'; prerequisites: string[] }
  | { status: 'failed'; error: Error; prerequisites: string[] }
  | { status: 'skipped'; reason: string };

/** Builds the StepContext for a step; the suite supplies one wired to Vitest and Allure. */
export type StepContextFactory = (step: StepPlan) => StepContext;

/**
 * Runs the steps of one job in order, whatever subset Vitest selected. It owns the rules the
 * user sees: a failed step skips the rest of the job except teardown steps; a step selected
 * alone first runs the lifecycle steps it needs; everything the job created is removed at the
 * end even after a failure.
 */
export class JobRunner {
  private readonly executed = new Set<number>();
  private failure: { step: string; message: string } | undefined;

  constructor(
    readonly context: JobContext,
    private readonly registry: typeof stepRegistry = stepRegistry,
  ) {}

  get steps(): readonly StepPlan[] {
    return this.context.job.steps;
  }

  definitionOf(step: StepPlan): StepDefinition {
    const definition = (this.registry as Partial<Record<string, StepDefinition>>)[step.kind];
    if (!definition) throw new StressError('INTERNAL', `step "${step.kind}" is not in the step registry`);
    return definition;
  }

  /** Upper bound for the step's test timeout: its own, its sleep, and its prerequisites'. */
  timeoutMs(index: number): number {
    const step = this.stepAt(index);
    const own = this.ownTimeoutMs(step);
    const before = findPrerequisites(this.steps, index, this.definitionOf(step).needs);
    return before.reduce((sum, i) => sum + this.ownTimeoutMs(this.stepAt(i)), own);
  }

  async run(index: number, createContext: StepContextFactory): Promise<StepOutcome> {
    const step = this.stepAt(index);
    const definition = this.definitionOf(step);
    if (this.failure && definition.role !== 'teardown') {
      return {
        status: 'skipped',
        reason: `skipped because step "${this.failure.step}" failed earlier in job "${this.context.job.name}": ${this.failure.message}`,
      };
    }
    const stepContext = createContext(step);
    const prerequisites: string[] = [];
    try {
      for (const i of findPrerequisites(this.steps, index, definition.needs)) {
        if (this.executed.has(i)) continue;
        const before = this.stepAt(i);
        prerequisites.push(before.name);
        stepContext.log(`running prerequisite "${before.name}" first (step ${i + 1}, not selected by the test filter)`);
        await this.execute(before, createContext(before), stepContext.signal).catch((error: unknown) => {
          throw new StressError('STEP_PREREQUISITE', `prerequisite "${before.name}" failed: ${messageOf(error)}`, {
            cause: error,
            hint: 'the step needs it; fix the prerequisite or run the whole job',
          });
        });
      }
      await this.execute(step, stepContext, stepContext.signal);
      return { status: 'passed', prerequisites };
    } catch (error) {
      const asError = error instanceof Error ? error : new Error(String(error));
      this.failure ??= { step: step.name, message: firstLine(messageOf(error)) };
      this.context.run.failures.push({ job: this.context.job.name, step: step.name, message: messageOf(error) });
      return { status: 'failed', error: asError, prerequisites };
    }
  }

  /** Terminates flows and deletes workspaces this job created; returns what could not be removed. */
  async teardown(): Promise<string[]> {
    return terminateJobResources(this.context);
  }

  private async execute(step: StepPlan, context: StepContext, signal: AbortSignal): Promise<void> {
    this.executed.add(step.index);
    if (step.sleepTimeS > 0) {
      context.log(`sleeping ${step.sleepTimeS}s before "${step.name}" (sleep_time)`);
      await sleep(step.sleepTimeS * 1000, signal);
    }
    await this.definitionOf(step).run(context, step.params as never);
  }

  private ownTimeoutMs(step: StepPlan): number {
    return this.definitionOf(step).timeoutMs(step.params as never) + step.sleepTimeS * 1000;
  }

  private stepAt(index: number): StepPlan {
    const step = this.steps[index];
    if (!step) throw new StressError('INTERNAL', `job "${this.context.job.name}" has no step ${index}`);
    return step;
  }
}

function messageOf(error: unknown): string {
  if (isStressError(error)) return error.hint ? `${error.message} (hint: ${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
