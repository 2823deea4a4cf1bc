import { defineStepSchema } from '../step-schema.ts';
import { toWorkspaceParams, workspaceShape } from './workspace-step.ts';

export const updateWorkspaceStep = defineStepSchema({
  kind: 'update_workspace',
  description: "Upload more (rendered) files to the job's workspace.",
  shape: (context) => workspaceShape(context, { requireFiles: true }),
  toParams: toWorkspaceParams,
});
