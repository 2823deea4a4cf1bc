import type { StepKind, StepParamsOf, StepPlan } from '../config/plan';
import type { JobContext } from './job-context';
import type { StepOutcome } from './step-outcome';

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
}

/**
 * `setup` steps build what later steps need (workspace, flow); `work` steps (load, downloads)
 * are what a user selects with `-t`; `report` steps ship what the run measured (stats, S3,
 * Slack) and, like `teardown` steps (which undo the setup), still run after a failure.
 */
export type StepRole = 'setup' | 'work' | 'report' | 'teardown';

/** Roles whose steps run even after an earlier step of the job failed. */
export const ROLES_RUN_AFTER_FAILURE: readonly StepRole[] = ['report', 'teardown'];

/** What must exist in the job before the step can run. */
export type StepNeed = 'workspace' | 'flow';

export interface StepDefinition<K extends StepKind = StepKind> {
  kind: K;
  role: StepRole;
  /** Selected alone with `-t`, the step gets the lifecycle steps providing these run first. */
  needs: readonly StepNeed[];
  /** Vitest timeout for the step, from its own params (e.g. execution_time + margins). */
  timeoutMs(params: StepParamsOf<K>): number;
  /** Returns what the step produced; throws when it produced nothing because it failed. */
  run(context: StepContext, params: StepParamsOf<K>): Promise<StepOutcome>;
}
