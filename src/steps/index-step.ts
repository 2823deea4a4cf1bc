import { describeLoadParameters } from '../report/allure-metadata.ts';
import { defineStep } from './define-step.ts';
import { checkLoadKeys, loadKeys, loadStepInJob, loadStepTimeoutMs, toLoadParams } from './load-step-keys.ts';

/** The seed's `index`: documents sent to the Flow by many clients for execution_time seconds. */
export const indexStep = defineStep({
  kind: 'index',
  description: 'Send documents to the Flow for execution_time seconds (closed model) or on a schedule (open model).',
  schema: loadKeys,
  check: checkLoadKeys,
  toParams: (input) => toLoadParams(input, '/index'),
  inJob: loadStepInJob,
  needs: ['gateway'],
  role: 'work',
  data: 'writes',
  parameters: describeLoadParameters,
  timeoutMs: loadStepTimeoutMs,
  // The load engine (gRPC, HDR histograms, charts) loads when the job begins, not with the config.
  preload: () => import('./run-load-step.ts'),
  run: async (context, params) => (await import('./run-load-step.ts')).runLoadStep(context, 'index', params),
});
