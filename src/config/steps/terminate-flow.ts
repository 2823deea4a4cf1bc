import { defineStepSchema } from '../step-schema';

export const terminateFlowStep = defineStepSchema({
  kind: 'terminate_flow',
  description: "Terminate the job's running Flow (its workspace stays).",
  shape: () => ({}),
  toParams: () => ({}),
});
