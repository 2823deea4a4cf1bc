import { removeFromHostAgents } from './host-agents.ts';
import type { JobContext } from './job-context.ts';
import { removeResource, type DaemonResource } from './remove-resource.ts';

/**
 * Removes every flow and workspace the job created and has not removed itself: flows first
 * (a workspace's deletion would stop them anyway, but a flow's own stop persists indexers).
 * Each removal is tried even when an earlier one fails; one already gone is done. Returns a
 * line per resource that was left behind.
 */
export async function terminateJobResources(context: JobContext): Promise<string[]> {
  const leftBehind: string[] = [];
  const resources: DaemonResource[] = [
    ...[...context.created.flows].map((id) => ({ kind: 'flow' as const, id })),
    ...[...context.created.workspaces].map((id) => ({ kind: 'workspace' as const, id })),
  ];
  for (const resource of resources) {
    const outcome = await removeResource(context.daemon, resource);
    if (outcome.status === 'failed') {
      leftBehind.push(`${resource.kind} ${resource.id}: ${outcome.message}`);
      continue;
    }
    forget(context, resource);
  }
  // Executors and workspace copies on the job's other hosts: each host tried, a host that
  // cannot be reached named by its address (the run's removal by run id tries it again).
  leftBehind.push(...(await removeFromHostAgents(context.hostAgents, { workspace: true })));
  return leftBehind;
}

/** The job no longer holds `resource`: teardown and later steps do not try it again. */
export function forget(context: JobContext, resource: DaemonResource): void {
  if (resource.kind === 'flow') {
    context.created.flows.delete(resource.id);
    if (context.flow?.id === resource.id) context.flow = undefined;
    return;
  }
  context.created.workspaces.delete(resource.id);
  if (context.workspaceId === resource.id) context.workspaceId = undefined;
}
