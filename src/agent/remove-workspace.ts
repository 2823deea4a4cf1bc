import { isStressError } from '../errors.ts';
import type { AgentState } from './agent-state.ts';

/**
 * Terminates the workspace's Flows (a running Flow may hold files open and must not outlive
 * its folder), then removes the folder, holding the workspace's lock so no create, upload or
 * Flow start of the same id runs in between. Returns the ids of the Flows it terminated;
 * undefined when the workspace was already gone (`404` for the routes, "done" for a run).
 */
export async function removeWorkspace(state: AgentState, id: string, reason: string): Promise<string[] | undefined> {
  return state.workspaceLocks.run(id, async () => {
    if (!state.workspaces.has(id)) return undefined;
    const flowIds = state.flows.list().filter((flow) => flow.workspaceId === id).map((flow) => flow.id);
    const terminated = await Promise.all(flowIds.map((flowId) => terminateIfPresent(state, flowId, reason)));
    await state.workspaces.remove(id);
    state.options.log(`workspace ${id} deleted (${reason})`);
    return flowIds.filter((_flowId, index) => terminated[index]);
  });
}

/** Stops a Flow; one already gone (terminated by a concurrent request) counts as done. */
export async function terminateIfPresent(state: AgentState, flowId: string, reason: string): Promise<boolean> {
  try {
    await state.flows.terminate(flowId, reason);
    return true;
  } catch (error) {
    if (isStressError(error) && error.details?.httpStatus === 404) return false;
    throw error;
  }
}
