import type { StepDefinition } from './step-definition.ts';

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
    // A workspace's flows go with it; forget them so teardown does not try twice.
    for (const flowId of [...job.created.flows]) {
      await job.daemon.terminateFlow(flowId);
      job.created.flows.delete(flowId);
    }
    job.flowId = undefined;
    job.flowGateway = undefined;
    await job.daemon.deleteWorkspace(workspaceId);
    job.created.workspaces.delete(workspaceId);
    job.workspaceId = undefined;
    context.log(`workspace ${workspaceId} deleted`);
  },
};
