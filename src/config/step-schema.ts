import { z } from 'zod';
import type { StepKind, StepParamsOf } from './plan.ts';
import type { PathContext } from './config-paths.ts';
import { seconds, text } from './field-schemas.ts';
import type { YamlPathSegment } from './yaml-path.ts';

/** Reports a problem at a path relative to the step. */
export type StepProblemReport = (path: readonly YamlPathSegment[], message: string, hint?: string) => void;

/**
 * One step kind's YAML keys (snake_case) and how they become its Plan params (camelCase).
 * Each kind lives in its own file under `steps/`; `step-schemas.ts` tables them.
 */
export interface StepSchemaDefinition<K extends StepKind, S extends z.ZodRawShape> {
  kind: K;
  /** What the step does: the JSON Schema description and the hint for a wrong method. */
  description: string;
  shape(context: PathContext): S;
  /**
   * Checks that span keys of one step (`ramp_to` needs `arrival_rate`), on the step as
   * written (defaults not applied). They run even when other keys are invalid, so they read
   * values defensively.
   */
  check?(step: Readonly<Record<string, unknown>>, report: StepProblemReport): void;
  /** Called only when every field is valid; may still report problems that need them all. */
  toParams(input: z.output<z.ZodObject<S>>, report: StepProblemReport, context: PathContext): StepParamsOf<K>;
}

export function defineStepSchema<K extends StepKind, S extends z.ZodRawShape>(
  definition: StepSchemaDefinition<K, S>,
): StepSchemaDefinition<K, S> {
  return definition;
}

/** A validated step before the job gives it its index, name and position; a union by kind. */
export type ParsedStep<K extends StepKind = StepKind> = K extends StepKind
  ? { kind: K; explicitName?: string; sleepTimeS: number; params: StepParamsOf<K> }
  : never;

const STEP_BASE_KEYS = ['method', 'name', 'sleep_time'] as const;

/** Keys every step accepts, whatever its method. */
export function isStepBaseKey(key: string): boolean {
  return (STEP_BASE_KEYS as readonly string[]).includes(key);
}

/** The full schema of one step kind: base keys plus the kind's own, strict, transformed. */
export function buildStepSchema<K extends StepKind, S extends z.ZodRawShape>(
  definition: StepSchemaDefinition<K, S>,
  context: PathContext,
) {
  const shape = {
    method: z.literal(definition.kind).describe(definition.description),
    name: text('The test name of this step (default: its method); unique within the job.').optional(),
    sleep_time: seconds('Seconds to sleep before the step runs.').default(0),
    ...definition.shape(context),
  };
  const reportTo =
    (issues: { issues: z.core.$ZodRawIssue[] }, input: unknown): StepProblemReport =>
    (path, message, hint) =>
      issues.issues.push({ code: 'custom', message, input, path: [...path], params: hint ? { hint } : {} });
  return z
    .strictObject(shape)
    .transform((value, issues): ParsedStep<K> => {
      // Generic shapes defeat TypeScript's inference here; the base keys are fixed above.
      const base = value as unknown as { method: K; name?: string; sleep_time: number } & Record<string, unknown>;
      const { method, name, sleep_time: sleepTimeS, ...rest } = base;
      const params = definition.toParams(rest as z.output<z.ZodObject<S>>, reportTo(issues, value), context);
      return { kind: method, explicitName: name, sleepTimeS, params } as ParsedStep<K>;
    })
    .describe(definition.description);
}
