import { z } from 'zod';
import type { PathContext } from './config-paths.ts';
import { seconds, text } from './field-schemas.ts';
import type { StepKind, StepParamsOf } from './plan.ts';
import type { StepProblemReport, StepSchemaDefinition } from './step-schema-definition.ts';

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
export function buildStepSchema(definition: StepSchemaDefinition<string, z.ZodRawShape, unknown>, context: PathContext) {
  const shape = {
    method: z.literal(definition.kind).describe(definition.description),
    name: text('The test name of this step (default: its method); unique within the job.').optional(),
    sleep_time: seconds('Seconds to sleep before the step runs.').default(0),
    ...definition.schema(context),
  };
  const reportTo =
    (issues: { issues: z.core.$ZodRawIssue[] }, input: unknown): StepProblemReport =>
    (path, message, hint) =>
      issues.issues.push({ code: 'custom', message, input, path: [...path], params: hint ? { hint } : {} });
  return z
    .strictObject(shape)
    .transform((value, issues): ParsedStep => {
      const { method, name, sleep_time: sleepTimeS, ...rest } = value as { method: string; name?: string; sleep_time: number } & Record<string, unknown>;
      const params = definition.toParams(rest as never, reportTo(issues, value), context);
      return { kind: method, explicitName: name, sleepTimeS, params } as ParsedStep;
    })
    .describe(definition.description);
}
