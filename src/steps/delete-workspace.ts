import type { StepDefinition } from './step-definition';
import { removeOrThrow } from './remove-resource';
import { forget } from './terminate-job-resources';

export const deleteWorkspace: StepDefinition<'delete_workspace'> = {
  kind: 'delete_workspace',
  role: 'teardown',
  needs: [],
  timeoutMs: () => 120_000,
  async run(context) {
    const { job } = context;
    const workspaceId = job.workspaceId;
    if (!workspaceId) {
      // After a failure before create_workspace there is nothing to delete: not an error.
      context.log('no workspace to delete in this job');
      return;
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
  },
};
