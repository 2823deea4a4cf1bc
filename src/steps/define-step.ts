import type { z } from 'zod';
import type { LifecycleNeed, StepSchemaDefinition } from '../config/step-schema-definition.ts';
import type { StepContext } from './step-context.ts';
import type { StepOutcome } from './step-outcome.ts';

/**
 * `setup` steps build what later steps need (workspace, flow); `work` steps (load, downloads)
 * are what a user selects with `-t`; `report` steps ship what the run measured (stats, S3,
 * Slack) and, like `teardown` steps (which undo the setup), still run after a failure.
 */
export type StepRole = 'setup' | 'work' | 'report' | 'teardown';

/** Roles whose steps run even after an earlier step of the job failed. */
export const ROLES_RUN_AFTER_FAILURE: readonly StepRole[] = ['report', 'teardown'];

/** A parameter shown with the step's test in the report (Allure), in the seed's words. */
export interface ReportParameter {
  name: string;
  value: string;
}

/**
 * A whole step kind: the config half (keys, params, lifecycle; see StepSchemaDefinition) and
 * the run half. One file per kind (`src/steps/<kind>.ts`) defines it with defineStep; one line
 * in `step-table.ts` registers it.
 *
 * The config side imports these files to validate configs, so a step file imports only what
 * validation needs at its top; `run` loads the runtime (load engine, S3 SDK, Slack) with a
 * dynamic `import()`, when the step actually runs.
 */
export interface StepDefinition<K extends string = string, S extends z.ZodRawShape = z.ZodRawShape, P = unknown>
  extends StepSchemaDefinition<K, S, P> {
  role: StepRole;
  /**
   * What a step selected alone with `-t` gets run first, inline: the lifecycle steps providing
   * these (default: `needs`). A teardown step may want none: nothing is created to remove it.
   */
  prerequisites?: readonly LifecycleNeed[];
  /**
   * Data in the workspace: `writes` (index) puts it there for later steps; a step that `reads`
   * it (query), selected alone, also gets the writing steps before it on its workspace.
   */
  data?: 'writes' | 'reads';
  /** What identifies the step's work in the report (the Flow file, the bucket, the load). */
  parameters?(params: P): ReportParameter[];
  /** Vitest timeout for the step, from its own params (e.g. execution_time + margins). */
  timeoutMs(params: P): number;
  /** Returns what the step produced; throws when it produced nothing because it failed. */
  run(context: StepContext, params: P): Promise<StepOutcome>;
  /**
   * Imports what `run` imports (the load engine), without running anything. The job runner
   * calls it as the job begins, so a load step's ~0.3–0.8 s of module loading overlaps the
   * setup steps before it (create_workspace, start_flow) instead of delaying its first request.
   */
  preload?(): Promise<unknown>;
}

/**
 * Declares a step kind. It returns the definition unchanged: its job is the type check (the
 * kind a literal, the params that toParams makes are the params run gets).
 */
export function defineStep<const K extends string, S extends z.ZodRawShape, P>(definition: StepDefinition<K, S, P>): StepDefinition<K, S, P> {
  return definition;
}
