import type { DaemonAddress } from '../config/plan.ts';
import { createDaemonClient } from '../daemon/create-daemon-client.ts';
import { isStressError } from '../errors.ts';

/** What one job left on its daemon when the run was interrupted. */
export interface LeftoverResources {
  job: string;
  daemon: DaemonAddress;
  flows: string[];
  workspaces: string[];
}

/**
 * Terminates the flows, then deletes the workspaces, each tried on its own; a 404 means
 * someone else (the job's own teardown) got there first. Returns one line per resource.
 */
export async function removeLeftovers(leftovers: readonly LeftoverResources[]): Promise<string[]> {
  const lines: string[] = [];
  for (const entry of leftovers) {
    const daemon = createDaemonClient({ ...entry.daemon, retries: 2 });
    for (const flowId of entry.flows) lines.push(await attempt(`${entry.job}: flow ${flowId}`, () => daemon.terminateFlow(flowId)));
    for (const workspaceId of entry.workspaces) {
      lines.push(await attempt(`${entry.job}: workspace ${workspaceId}`, () => daemon.deleteWorkspace(workspaceId)));
    }
  }
  return lines;
}

async function attempt(what: string, call: () => Promise<void>): Promise<string> {
  try {
    await call();
    return `${what}: removed`;
  } catch (error) {
    if (isStressError(error) && /→ 404\b/.test(error.message)) return `${what}: already gone`;
    return `${what}: NOT removed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
