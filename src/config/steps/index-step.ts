import { defineStepSchema } from '../step-schema.ts';
import { checkLoadStep, loadShape, toLoadParams } from './load-step.ts';

export const indexStep = defineStepSchema({
  kind: 'index',
  description: 'Send documents to the Flow for execution_time seconds (closed model) or on a schedule (open model).',
  shape: loadShape,
  check: checkLoadStep,
  toParams: (input) => toLoadParams(input, '/index'),
});
