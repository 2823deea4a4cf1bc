import { defineStepSchema } from '../step-schema.ts';
import { toWorkspaceParams, workspaceShape } from './workspace-step.ts';

export const createWorkspaceStep = defineStepSchema({
  kind: 'create_workspace',
  description: 'Create a workspace on the daemon and upload the (rendered) files.',
  shape: (context) => workspaceShape(context, { requireFiles: false }),
  toParams: toWorkspaceParams,
});
