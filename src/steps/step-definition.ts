import type { StepKind, StepParamsOf, StepPlan } from '../config/plan.ts';
import type { JobContext } from './job-context.ts';

export type AttachmentBody = string | Uint8Array;

/**
 * What a step may do to the outside of itself. The suite implements it with Vitest and Allure;
 * steps never import either.
 */
export interface StepContext {
  job: JobContext;
  step: StepPlan;
  /** Aborted on test timeout or SIGINT: long steps must stop promptly. */
  signal: AbortSignal;
  /** A line in the console (and the test's annotations). */
  log(message: string): void;
  /** Live progress for long steps (shown by the project's reporter). */
  progress(message: string): void;
  /** Seconds between progress calls of a load phase (default: the engine's). */
  progressIntervalS?: number;
  attach(name: string, contentType: string, body: AttachmentBody): Promise<void>;
}

/**
 * `setup` steps build what later steps need (workspace, flow); `teardown` steps undo it and
 * always run; `work` steps (load, stats, sinks) are what a user selects with `-t`.
 */
export type StepRole = 'setup' | 'teardown' | 'work';

/** What must exist in the job before the step can run. */
export type StepNeed = 'workspace' | 'flow';

export interface StepDefinition<K extends StepKind = StepKind> {
  kind: K;
  role: StepRole;
  /** Selected alone with `-t`, the step gets the lifecycle steps providing these run first. */
  needs: readonly StepNeed[];
  /** Vitest timeout for the step, from its own params (e.g. execution_time + margins). */
  timeoutMs(params: StepParamsOf<K>): number;
  run(context: StepContext, params: StepParamsOf<K>): Promise<void>;
}
