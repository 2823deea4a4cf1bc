import type { DaemonAddress } from '../config/plan';
import { createDaemonClient } from '../daemon/create-daemon-client';
import { removeResource, type DaemonResource } from '../steps/remove-resource';

/** What one job left on its daemon when the run was interrupted. */
export interface LeftoverResources {
  job: string;
  daemon: DaemonAddress;
  flows: string[];
  workspaces: string[];
}

/**
 * Terminates the flows, then deletes the workspaces, each tried on its own (removeResource:
 * a 404 means the job's own teardown got there first). Returns one line per resource.
 */
export async function removeLeftovers(leftovers: readonly LeftoverResources[]): Promise<string[]> {
  const lines: string[] = [];
  for (const entry of leftovers) {
    const daemon = createDaemonClient({ ...entry.daemon, retries: 2 });
    const resources: DaemonResource[] = [
      ...entry.flows.map((id) => ({ kind: 'flow' as const, id })),
      ...entry.workspaces.map((id) => ({ kind: 'workspace' as const, id })),
    ];
    for (const resource of resources) {
      const outcome = await removeResource(daemon, resource);
      const what = `${entry.job}: ${resource.kind} ${resource.id}`;
      lines.push(
        outcome.status === 'removed' ? `${what}: removed` : outcome.status === 'already-gone' ? `${what}: already gone` : `${what}: NOT removed: ${outcome.message}`,
      );
    }
  }
  return lines;
}
