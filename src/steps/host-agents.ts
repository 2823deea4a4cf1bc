import type { DaemonAddress } from '../config/addresses.ts';
import type { DaemonApi, UploadFile } from '../daemon/daemon-api.ts';
import { removeResource, type DaemonResource } from './remove-resource.ts';

/**
 * The agent on a host where the job's Flows place executors (issue 13). It holds a copy of
 * the job's workspace under the main agent's id, and the executors start_flow started there.
 */
export interface HostAgent {
  /** `host:port`: how messages and errors name the host. */
  readonly label: string;
  readonly address: DaemonAddress;
  readonly daemon: DaemonApi;
  /** The job's workspace id on this agent, once uploaded. */
  workspaceId?: string;
  /** Executors running here: id → executor name. */
  readonly executors: Map<string, string>;
}

export function createHostAgent(address: DaemonAddress, createClient: (address: DaemonAddress) => DaemonApi): HostAgent {
  return { label: `${address.host}:${address.port}`, address, daemon: createClient(address), executors: new Map() };
}

/**
 * Uploads the files to every host agent under `workspaceId` (the main agent's), each host
 * tried even when another fails. Returns one line per host that could not be reached.
 */
export async function uploadToHostAgents(agents: readonly HostAgent[], files: UploadFile[], workspaceId: string): Promise<string[]> {
  const failures = await Promise.all(
    agents.map(async (agent) => {
      try {
        await agent.daemon.createWorkspace(files, workspaceId);
        agent.workspaceId = workspaceId;
        return [];
      } catch (error) {
        return [`${agent.label}: ${messageOf(error)}`];
      }
    }),
  );
  return failures.flat();
}

/**
 * Stops the executors on every host agent (all of them, or the ones named by id), then with
 * `workspace` also deletes the job's workspace there. Every host is tried even when another
 * cannot be reached; what could not be removed stays recorded (the job's teardown and the
 * run's removal by run id try again) and comes back as one line per host, naming its address.
 */
export async function removeFromHostAgents(agents: readonly HostAgent[], options: { workspace: boolean; executorIds?: readonly string[] }): Promise<string[]> {
  const lines = await Promise.all(
    agents.map(async (agent) => {
      const problems: string[] = [];
      const ids = [...agent.executors.keys()].filter((id) => !options.executorIds || options.executorIds.includes(id));
      const resources: Array<DaemonResource & { what: string }> = [
        ...ids.map((id) => ({ kind: 'flow' as const, id, what: `executor ${agent.executors.get(id)} (${id})` })),
        ...(options.workspace && agent.workspaceId ? [{ kind: 'workspace' as const, id: agent.workspaceId, what: `workspace ${agent.workspaceId}` }] : []),
      ];
      for (const [index, resource] of resources.entries()) {
        const outcome = await removeResource(agent.daemon, resource);
        if (outcome.status === 'failed') {
          // The host itself is the problem (down, cut off): the rest there would wait as long.
          const rest = resources.slice(index + 1).map((other) => other.what);
          problems.push(`${resource.what}${rest.length > 0 ? `, ${rest.join(', ')}` : ''} on ${agent.label}: ${outcome.message}`);
          break;
        }
        if (resource.kind === 'flow') agent.executors.delete(resource.id);
        else agent.workspaceId = undefined;
      }
      return problems;
    }),
  );
  return lines.flat();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
