import { positiveInteger } from '../config/field-schemas.ts';
import { describeLoadParameters } from '../report/allure-metadata.ts';
import { defineStep } from './define-step.ts';
import { checkLoadKeys, loadKeys, loadStepInJob, loadStepTimeoutMs, toLoadParams } from './load-step-keys.ts';

/** The seed's `query`: searches against what the index steps before it stored. */
export const queryStep = defineStep({
  kind: 'query',
  description: 'Query the Flow for execution_time seconds (closed model) or on a schedule (open model).',
  schema: (context) => ({
    ...loadKeys(context),
    top_k: positiveInteger('Matches per query document, sent as parameters.top_k (default 10).').default(10),
  }),
  check: checkLoadKeys,
  toParams: ({ top_k, ...input }) => ({ ...toLoadParams(input, '/search'), topK: top_k }),
  inJob: loadStepInJob,
  needs: ['gateway'],
  role: 'work',
  data: 'reads',
  parameters: describeLoadParameters,
  timeoutMs: loadStepTimeoutMs,
  preload: () => import('./run-load-step.ts'),
  run: async (context, params) => (await import('./run-load-step.ts')).runLoadStep(context, 'query', params),
});
