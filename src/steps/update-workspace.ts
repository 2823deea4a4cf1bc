import { basename } from 'node:path';
import { StressError } from '../errors.ts';
import { defineStep } from './define-step.ts';
import { exportEnvironment } from './export-environment.ts';
import { prepareWorkspaceUploads, uploadToEveryHost } from './upload-files.ts';
import { toWorkspaceParams, workspaceInJob, workspaceKeys } from './workspace-keys.ts';

/** The seed's update: upload more files into the job's workspace (same id, files overwritten). */
export const updateWorkspace = defineStep({
  kind: 'update_workspace',
  description: "Upload more (rendered) files to the job's workspace.",
  schema: (context) => workspaceKeys(context, { requireFiles: true }),
  toParams: toWorkspaceParams,
  inJob: workspaceInJob('update_workspace'),
  needs: ['workspace'],
  role: 'setup',
  parameters: (params) => [{ name: 'files', value: params.files.map((file) => basename(file)).join(', ') }],
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
    await uploadToEveryHost(context, files, workspaceId);
    const exported = exportEnvironment(context.job, params.environment);
    if (exported.length > 0) context.log(`exported for later steps: ${exported.join(', ')}`);
    return {};
  },
});
