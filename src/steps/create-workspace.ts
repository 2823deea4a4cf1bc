import type { StepDefinition } from './step-definition.ts';
import { prepareWorkspaceUploads } from './upload-files.ts';

export const createWorkspace: StepDefinition<'create_workspace'> = {
  kind: 'create_workspace',
  role: 'setup',
  needs: [],
  timeoutMs: () => 120_000,
  async run(context, params) {
    const files = await prepareWorkspaceUploads(context.job, context.step.name, params);
    const id = await context.job.daemon.createWorkspace(files);
    context.job.workspaceId = id;
    context.job.created.workspaces.add(id);
    context.log(`workspace ${id} created with ${files.length} file(s): ${files.map((f) => f.name).join(', ')}`);
  },
};
