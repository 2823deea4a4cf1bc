import { positiveInteger } from '../field-schemas.ts';
import { defineStepSchema } from '../step-schema.ts';
import { checkLoadStep, loadShape, toLoadParams } from './load-step.ts';

export const queryStep = defineStepSchema({
  kind: 'query',
  description: 'Query the Flow for execution_time seconds (closed model) or on a schedule (open model).',
  shape: () => ({
    ...loadShape(),
    top_k: positiveInteger('Matches per query document, sent as parameters.top_k (default 10).').default(10),
  }),
  check: checkLoadStep,
  toParams: ({ top_k, ...input }) => ({ ...toLoadParams(input, '/search'), topK: top_k }),
});
