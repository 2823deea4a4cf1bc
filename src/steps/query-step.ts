import { runLoadStep } from './run-load-step.ts';
import type { StepDefinition } from './step-definition.ts';
import { loadStepTimeoutMs } from './load-step-timeout.ts';

export const queryStep: StepDefinition<'query'> = {
  kind: 'query',
  role: 'work',
  needs: ['flow'],
  timeoutMs: loadStepTimeoutMs,
  run: (context, params) => runLoadStep(context, 'query', params),
};
