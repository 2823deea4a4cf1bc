import { defineStepSchema } from '../step-schema';
import { toWorkspaceParams, workspaceShape } from './workspace-step';

export const updateWorkspaceStep = defineStepSchema({
  kind: 'update_workspace',
  description: "Upload more (rendered) files to the job's workspace.",
  shape: (context) => workspaceShape(context, { requireFiles: true }),
  toParams: toWorkspaceParams,
});
