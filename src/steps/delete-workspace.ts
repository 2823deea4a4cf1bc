import { defineStep } from './define-step.ts';
import { removeOrThrow } from './remove-resource.ts';
import { forget } from './terminate-job-resources.ts';

export const deleteWorkspace = defineStep({
  kind: 'delete_workspace',
  description: "Delete the job's workspace from the daemon.",
  schema: () => ({}),
  toParams: () => ({}),
  needs: ['workspace'],
  removes: 'workspace',
  role: 'teardown',
  // Selected alone with -t it deletes what the job holds; it creates nothing to delete it.
  prerequisites: [],
  timeoutMs: () => 120_000,
  async run(context) {
    const { job } = context;
    const workspaceId = job.workspaceId;
    if (!workspaceId) {
      // After a failure before create_workspace there is nothing to delete: not an error.
      context.log('no workspace to delete in this job');
      return {};
    }
    // A workspace's flows go with it; stopped first so they persist, and forgotten so
    // teardown does not try twice. One already gone (a 404) is done.
    for (const flowId of [...job.created.flows]) {
      await removeOrThrow(job.daemon, { kind: 'flow', id: flowId });
      forget(job, { kind: 'flow', id: flowId });
    }
    const outcome = await removeOrThrow(job.daemon, { kind: 'workspace', id: workspaceId });
    forget(job, { kind: 'workspace', id: workspaceId });
    context.log(outcome === 'removed' ? `workspace ${workspaceId} deleted` : `workspace ${workspaceId} was already gone from the daemon`);
    return {};
  },
});
