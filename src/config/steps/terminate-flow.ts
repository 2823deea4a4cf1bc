import { defineStepSchema } from '../step-schema.ts';

export const terminateFlowStep = defineStepSchema({
  kind: 'terminate_flow',
  description: "Terminate the job's running Flow (its workspace stays).",
  shape: () => ({}),
  toParams: () => ({}),
});
