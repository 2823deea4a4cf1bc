import { runLoadStep } from './run-load-step.ts';
import type { StepDefinition } from './step-definition.ts';
import { loadStepTimeoutMs } from './load-step-timeout.ts';

export const indexStep: StepDefinition<'index'> = {
  kind: 'index',
  role: 'work',
  needs: ['flow'],
  timeoutMs: loadStepTimeoutMs,
  run: (context, params) => runLoadStep(context, 'index', params),
};
