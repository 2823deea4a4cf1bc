import { basename } from 'node:path';
import { defineStep } from './define-step.ts';
import { exportEnvironment } from './export-environment.ts';
import { prepareWorkspaceUploads, uploadToEveryHost } from './upload-files.ts';
import { toWorkspaceParams, workspaceInJob, workspaceKeys } from './workspace-keys.ts';

/** The seed's first step: a new workspace on the daemon with the (rendered) files. */
export const createWorkspace = defineStep({
  kind: 'create_workspace',
  description: 'Create a workspace on the daemon and upload the (rendered) files.',
  schema: (context) => workspaceKeys(context, { requireFiles: false }),
  toParams: toWorkspaceParams,
  inJob: workspaceInJob('create_workspace'),
  needs: [],
  creates: 'workspace',
  role: 'setup',
  parameters: (params) => [{ name: 'files', value: params.files.map((file) => basename(file)).join(', ') }],
  timeoutMs: () => 120_000,
  async run(context, params) {
    const files = await prepareWorkspaceUploads(context.job, context.step.name, params);
    const id = await context.job.daemon.createWorkspace(files);
    context.job.workspaceId = id;
    context.job.created.workspaces.add(id);
    context.log(`workspace ${id} created with ${files.length} file(s): ${files.map((f) => f.name).join(', ')}`);
    await uploadToEveryHost(context, files, id);
    const exported = exportEnvironment(context.job, params.environment);
    if (exported.length > 0) context.log(`exported for later steps: ${exported.join(', ')}`);
    return {};
  },
});
