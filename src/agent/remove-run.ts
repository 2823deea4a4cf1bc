import type { AgentState } from './agent-state.ts';
import { removeWorkspace, terminateIfPresent } from './remove-workspace.ts';

export interface RemovedRun {
  flows: string[];
  workspaces: string[];
}

/** What the agent holds for a run: its Flows (started with its run id or in its workspaces) and workspaces. */
export function findRunResources(state: AgentState, runId: string): RemovedRun {
  const workspaces = state.workspaces.list().filter((workspace) => workspace.runId === runId).map((workspace) => workspace.id);
  const flows = state.flows
    .list()
    .filter((flow) => flow.runId === runId || workspaces.includes(flow.workspaceId))
    .map((flow) => flow.id);
  return { flows, workspaces };
}

/**
 * Terminates every Flow of the run and deletes every workspace of it, and forgets its lease.
 * Idempotent: what is already gone is simply not listed. Used by `DELETE /runs/{id}` and when
 * the run's lease expires.
 */
export async function removeRun(state: AgentState, runId: string, reason: string): Promise<RemovedRun> {
  state.leases.drop(runId);
  const held = findRunResources(state, runId);
  const flows = new Set<string>();
  // Flows outside the run's workspaces first; those inside go with their workspace.
  const inWorkspaces = new Set(state.flows.list().filter((flow) => held.workspaces.includes(flow.workspaceId)).map((flow) => flow.id));
  for (const flowId of held.flows.filter((id) => !inWorkspaces.has(id))) {
    if (await terminateIfPresent(state, flowId, reason)) flows.add(flowId);
  }
  const workspaces: string[] = [];
  for (const workspaceId of held.workspaces) {
    const terminated = await removeWorkspace(state, workspaceId, reason);
    if (terminated === undefined) continue;
    workspaces.push(workspaceId);
    for (const flowId of terminated) flows.add(flowId);
  }
  if (flows.size + workspaces.length > 0) {
    state.options.log(`run ${runId}: removed ${flows.size} flow(s), ${workspaces.length} workspace(s) (${reason})`);
  }
  return { flows: [...flows], workspaces };
}
