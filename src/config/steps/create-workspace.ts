import { defineStepSchema } from '../step-schema';
import { toWorkspaceParams, workspaceShape } from './workspace-step';

export const createWorkspaceStep = defineStepSchema({
  kind: 'create_workspace',
  description: 'Create a workspace on the daemon and upload the (rendered) files.',
  shape: (context) => workspaceShape(context, { requireFiles: false }),
  toParams: toWorkspaceParams,
});
