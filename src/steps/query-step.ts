import { runLoadStep } from './run-load-step';
import type { StepDefinition } from './step-definition';
import { loadStepTimeoutMs } from './load-step-timeout';

export const queryStep: StepDefinition<'query'> = {
  kind: 'query',
  role: 'work',
  needs: ['flow'],
  timeoutMs: loadStepTimeoutMs,
  run: (context, params) => runLoadStep(context, 'query', params),
};
