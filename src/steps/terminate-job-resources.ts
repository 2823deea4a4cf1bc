import type { JobContext } from './job-context.ts';

/**
 * Removes every flow and workspace the job created and has not removed itself. Each removal
 * is tried even when an earlier one fails; the returned lines name what was left behind.
 */
export async function terminateJobResources(context: JobContext): Promise<string[]> {
  const leftBehind: string[] = [];
  for (const flowId of [...context.created.flows]) {
    try {
      await context.daemon.terminateFlow(flowId);
      context.created.flows.delete(flowId);
      if (context.flowId === flowId) {
        context.flowId = undefined;
        context.flowGateway = undefined;
      }
    } catch (error) {
      leftBehind.push(`flow ${flowId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const workspaceId of [...context.created.workspaces]) {
    try {
      await context.daemon.deleteWorkspace(workspaceId);
      context.created.workspaces.delete(workspaceId);
      if (context.workspaceId === workspaceId) context.workspaceId = undefined;
    } catch (error) {
      leftBehind.push(`workspace ${workspaceId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return leftBehind;
}
