import { StressError } from '../errors.ts';
import type { StepDefinition } from './step-definition.ts';
import { prepareWorkspaceUploads } from './upload-files.ts';

/** The seed's update: upload more files into the job's workspace (same id, files overwritten). */
export const updateWorkspace: StepDefinition<'update_workspace'> = {
  kind: 'update_workspace',
  role: 'setup',
  needs: ['workspace'],
  timeoutMs: () => 120_000,
  async run(context, params) {
    const workspaceId = context.job.workspaceId;
    if (!workspaceId) {
      throw new StressError('STEP_PREREQUISITE', 'update_workspace: this job has no workspace', {
        hint: 'add a create_workspace step before it',
      });
    }
    const files = await prepareWorkspaceUploads(context.job, context.step.name, params);
    await context.job.daemon.createWorkspace(files, workspaceId);
    context.log(`workspace ${workspaceId} updated with ${files.length} file(s): ${files.map((f) => f.name).join(', ')}`);
  },
};
