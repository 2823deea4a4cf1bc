import { defineStepSchema } from '../step-schema.ts';

export const deleteWorkspaceStep = defineStepSchema({
  kind: 'delete_workspace',
  description: "Delete the job's workspace from the daemon.",
  shape: () => ({}),
  toParams: () => ({}),
});
