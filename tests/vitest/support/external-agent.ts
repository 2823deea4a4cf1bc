import { createAgent } from '../../../src/agent/create-agent.ts';

export interface ExternalAgent {
  host: string;
  port: number;
  /** Ids of the flows and workspaces the agent still holds, read over its REST API. */
  holdings(): Promise<{ flows: string[]; workspaces: string[] }>;
  close(): Promise<void>;
}

/** A real agent on a free loopback port, standing in for a daemon the config names. */
export async function startExternalAgent(): Promise<ExternalAgent> {
  const agent = createAgent({ host: '127.0.0.1', port: 0 });
  const { host, port, url } = await agent.listen();
  const list = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { items: Record<string, unknown> };
    return Object.keys(body.items);
  };
  return {
    host,
    port,
    holdings: async () => ({ flows: await list('/flows'), workspaces: await list('/workspaces') }),
    close: () => agent.close(),
  };
}
