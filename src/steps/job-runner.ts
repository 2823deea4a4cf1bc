import { StressError, isStressError } from '../errors.ts';
import type { JobPlan, StepPlan } from '../config/plan.ts';
import { ROLES_RUN_AFTER_FAILURE, type StepDefinition } from './define-step.ts';
import { findPrerequisites } from './find-prerequisites.ts';
import { meetAtJobEnd, runAsSegment } from './run-as-segment.ts';
import type { JobContext } from './job-context.ts';
import type { StepContext } from './step-context.ts';
import type { StepOutcome } from './step-outcome.ts';
import { stepTable } from './step-table.ts';
import { terminateJobResources } from './terminate-job-resources.ts';
import { restoreEnvironment } from './export-environment.ts';

/**
 * How a selected step went. `outcomes` are what it (and the prerequisites run for it, first)
 * produced, in run order; they are already collected into the run's results.
 */
export type StepResult =
  | { status: 'passed'; prerequisites: string[]; outcomes: StepOutcome[] }
  | { status: 'failed'; error: Error; prerequisites: string[]; outcomes: StepOutcome[] }
  | { status: 'skipped'; reason: string };

/** Builds the StepContext for a step; the suite supplies one wired to Vitest and Allure. */
export type StepContextFactory = (step: StepPlan) => StepContext;

/**
 * Runs the steps of one job in order, whatever subset Vitest selected. It owns the rules the
 * user sees: a failed step skips the rest of the job except report and teardown steps; a step
 * selected alone first runs the steps it needs (lifecycle, and the steps writing the data it
 * reads); everything the job created is removed at the end even after a failure. It collects
 * what each step returns into the run's results.
 */
export class JobRunner {
  private readonly executed = new Set<number>();
  private failure: { step: string; message: string } | undefined;
  private isPreloading = false;

  constructor(
    readonly context: JobContext,
    readonly job: JobPlan,
  ) {}

  get steps(): readonly StepPlan[] {
    return this.job.steps;
  }

  definitionOf(step: StepPlan): StepDefinition {
    return stepTable[step.kind] as unknown as StepDefinition;
  }

  /** Upper bound for the step's test timeout: its own, its sleep, and its prerequisites'. */
  timeoutMs(index: number): number {
    const step = this.stepAt(index);
    const own = this.ownTimeoutMs(step);
    return this.prerequisitesOf(index).reduce((sum, i) => sum + this.ownTimeoutMs(this.stepAt(i)), own);
  }

  /** What a step selected alone runs first (find-prerequisites.ts), from its definition. */
  prerequisitesOf(index: number): number[] {
    const definition = this.definitionOf(this.stepAt(index));
    return findPrerequisites(this.steps, index, definition.prerequisites ?? definition.needs, definition.data === 'reads');
  }

  async run(index: number, createContext: StepContextFactory): Promise<StepResult> {
    this.preloadSteps();
    const step = this.stepAt(index);
    const definition = this.definitionOf(step);
    if (this.failure && !ROLES_RUN_AFTER_FAILURE.includes(definition.role)) {
      // The other generators need not wait at this phase's start for this one.
      if (definition.role === 'work') await this.context.segmentRun?.passPhaseStart(step.index).catch(() => undefined);
      return {
        status: 'skipped',
        reason: `skipped because step "${this.failure.step}" failed earlier in job "${this.context.job.name}": ${this.failure.message}`,
      };
    }
    const stepContext = createContext(step);
    const prerequisites: string[] = [];
    const outcomes: StepOutcome[] = [];
    try {
      // After a failure only teardown and report steps run, and they act on what exists: a
      // terminate_flow whose start_flow was skipped must not start that Flow to stop it.
      for (const i of this.failure ? [] : this.prerequisitesOf(index)) {
        if (this.executed.has(i)) continue;
        const before = this.stepAt(i);
        prerequisites.push(before.name);
        const why = this.definitionOf(before).data === 'writes' ? `; "${step.name}" reads the data it writes` : '';
        stepContext.log(`running prerequisite "${before.name}" first (step ${i + 1}, not selected by the test filter${why})`);
        const failure = await this.execute(before, createContext(before), stepContext.signal, outcomes).catch((error: unknown) => error);
        // A string: segment 1 owns that lifecycle step, which this generator skipped as it should.
        if (failure !== undefined && typeof failure !== 'string') {
          throw new StressError('STEP_PREREQUISITE', `prerequisite "${before.name}" failed: ${messageOf(failure)}`, {
            cause: failure,
            hint: 'the step needs it; fix the prerequisite or run the whole job',
          });
        }
      }
      const failure = await this.execute(step, stepContext, stepContext.signal, outcomes);
      if (typeof failure === 'string') return { status: 'skipped', reason: failure };
      if (failure !== undefined) throw failure;
      return { status: 'passed', prerequisites, outcomes };
    } catch (error) {
      const asError = error instanceof Error ? error : new Error(String(error));
      // One generator of several: a breached threshold or check on its share is provisional
      // (the merge judges the whole load), so the rest of its job still runs: skipping its
      // later phases would leave them a segment short in the merge.
      const isProvisional = (stepContext.segment?.count ?? 1) > 1 && (isStressError(error, 'THRESHOLD') || isStressError(error, 'CHECK'));
      if (isProvisional) stepContext.log(`this generator's share breached: provisional, the merge judges the whole load; the job goes on`);
      else this.failure ??= { step: step.name, message: firstLine(messageOf(error)) };
      this.context.run.results.addFailure({ job: this.context.job.name, step: step.name, message: messageOf(error) });
      return { status: 'failed', error: asError, prerequisites, outcomes };
    }
  }

  /**
   * Terminates flows and deletes workspaces this job created; returns what could not be
   * removed. Run from several machines, segment 1 first waits for the others to be done.
   */
  async teardown(log: (line: string) => void = () => {}): Promise<string[]> {
    // The job's workspace steps exported their environment (export-environment.ts); the next job starts without it.
    restoreEnvironment(this.context);
    await meetAtJobEnd(this.context, log).catch((error: unknown) => log(`could not meet the other generators before tearing down: ${messageOf(error)}`));
    return terminateJobResources(this.context);
  }

  /**
   * Runs one step and collects its outcome (into `outcomes` and the run's results). Returns
   * the step's own verdict on what it produced when that is a failure, or why it did not run
   * here (segment 1 owns the lifecycle); throws when the step produced nothing.
   */
  private async execute(step: StepPlan, context: StepContext, signal: AbortSignal, outcomes: StepOutcome[]): Promise<Error | string | undefined> {
    this.executed.add(step.index);
    if (step.sleepTimeS > 0) {
      context.log(`sleeping ${step.sleepTimeS}s before "${step.name}" (sleep_time)`);
      await sleep(step.sleepTimeS * 1000, signal);
    }
    const definition = this.definitionOf(step);
    const result = await runAsSegment(this.context, step, definition, context, () => definition.run(context, step.params as never));
    if (result.status === 'skipped') {
      context.log(result.reason);
      return result.reason;
    }
    const { outcome } = result;
    outcomes.push(outcome);
    this.context.run.results.add(outcome);
    return outcome.failure;
  }

  private ownTimeoutMs(step: StepPlan): number {
    // Run from several machines, a step may first wait for the other generators.
    const meetingMs = this.context.segmentRun?.waitBoundMs ?? 0;
    return this.definitionOf(step).timeoutMs(step.params as never) + step.sleepTimeS * 1000 + meetingMs;
  }

  /**
   * Starts importing what the job's steps load when they run (StepDefinition.preload), once,
   * in the background, as the job begins. A failed import is left to the step that needs it,
   * which imports again and reports the error.
   */
  private preloadSteps(): void {
    if (this.isPreloading) return;
    this.isPreloading = true;
    const preloads = new Set(this.steps.map((step) => this.definitionOf(step).preload));
    for (const preload of preloads) void preload?.().catch(() => undefined);
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
