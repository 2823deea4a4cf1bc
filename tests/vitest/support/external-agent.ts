import { createAgent } from '../../../src/agent/create-agent.ts';

export interface ExternalAgent {
  host: string;
  port: number;
  /** Ids of the flows and workspaces the agent still holds, read over its REST API. */
  holdings(): Promise<{ flows: string[]; workspaces: string[] }>;
  /** The `run_id` each held flow and workspace carries (absent: none). */
  runIdsHeld(): Promise<Array<string | undefined>>;
  /** `GET /runs/{id}`: the run's lease and what it holds. */
  run(runId: string): Promise<{ lease: { ttl_s: number; expires_at: string } | null; flows: string[]; workspaces: string[] }>;
  /** `GET /runs/{id}/barriers/{name}`: where the generators of a distributed run met. */
  barrier(runId: string, name: string): Promise<{ status: string; released_by?: string; arrived: number[]; missing?: number[]; start_at?: string; notes: Record<string, string> }>;
  close(): Promise<void>;
}

/** A real agent on a free loopback port, standing in for a daemon the config names. */
export async function startExternalAgent(): Promise<ExternalAgent> {
  const agent = createAgent({ host: '127.0.0.1', port: 0 });
  const { host, port, url } = await agent.listen();
  const items = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { items: Record<string, { run_id?: string }> };
    return body.items;
  };
  return {
    host,
    port,
    holdings: async () => ({ flows: Object.keys(await items('/flows')), workspaces: Object.keys(await items('/workspaces')) }),
    runIdsHeld: async () => [...Object.values(await items('/flows')), ...Object.values(await items('/workspaces'))].map((item) => item.run_id),
    run: async (runId) => (await fetch(`${url}/runs/${encodeURIComponent(runId)}`)).json() as never,
    barrier: async (runId, name) => (await fetch(`${url}/runs/${encodeURIComponent(runId)}/barriers/${encodeURIComponent(name)}`)).json() as never,
    close: () => agent.close(),
  };
}
