import type { z } from 'zod';
import { stepTable } from '../steps/step-table.ts';
import type { StepKind } from './plan.ts';
import type { StepSchemaDefinition } from './step-schema-definition.ts';

/** Every step kind, in the step table's order (the JSON Schema lists them so). */
export const STEP_KINDS = Object.keys(stepTable) as StepKind[];

export function isStepKind(value: unknown): value is StepKind {
  return typeof value === 'string' && Object.hasOwn(stepTable, value);
}

/** The config half of a kind's definition, with its params type erased. */
export function stepSchemaOf(kind: StepKind): StepSchemaDefinition<StepKind, z.ZodRawShape, unknown> {
  return stepTable[kind] as unknown as StepSchemaDefinition<StepKind, z.ZodRawShape, unknown>;
}
