import { createServer } from 'node:net';
import { findUnsetPortVariables } from './flow-gateways.ts';

export interface PortAllocation {
  /** The request's environment plus one entry per allocated port. */
  environment: Record<string, string>;
  /** Variable name → the free port the agent picked for it. */
  allocated: Record<string, number>;
}

/**
 * A Flow whose gateway port is a variable (`port: ${{ ENV.JINA_PORT }}`) that nobody set gets
 * a free port from the agent, passed to the Flow under that name. Jina itself would pick a
 * random port the agent cannot learn; this way the port is known before the Flow starts, so
 * readiness can be probed and `GET /flows/{id}` can report it. A port the step sets is kept.
 *
 * YAML the agent cannot read is left to the runtime, which reports it with its own words.
 */
export async function allocateGatewayPorts(flowYaml: string, environment: Record<string, string>, host: string): Promise<PortAllocation> {
  let names: string[];
  try {
    names = findUnsetPortVariables(flowYaml, environment);
  } catch {
    return { environment, allocated: {} };
  }
  const allocated: Record<string, number> = {};
  for (const name of names) allocated[name] = await freePort(host);
  const picked = Object.fromEntries(Object.entries(allocated).map(([name, port]) => [name, String(port)]));
  return { environment: { ...environment, ...picked }, allocated };
}

/** A port the OS just handed out on `host`; free again once this resolves. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}
