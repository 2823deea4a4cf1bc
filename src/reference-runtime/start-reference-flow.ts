import { redactErrorSubstitutions } from '../config/flow-yaml-variables.ts';
import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { GatewayServer } from './gateway/gateway-handler.ts';
import { startGatewayServer } from './gateway/start-gateway-server.ts';
import type { FlowSpec } from './flow-spec.ts';
import { readFlowYamlExpanded } from './read-flow-yaml.ts';
import { createReferenceGatewayHandler } from './reference-gateway-handler.ts';
import { ReferenceFlow } from './reference-flow.ts';
import { executorSearchDirs } from './resolve-uses.ts';

export interface ReferenceFlowOptions {
  /** The Flow YAML, already mustache-rendered; `${{ ENV.X }}` is resolved here. */
  flowYaml: string;
  /** Where the YAML came from: messages, and `uses: exec.yml` next to it. */
  flowPath?: string;
  /** The workspace folder: relative executor workspaces (indexer shards) live here. */
  workdir: string;
  /** Interface the gateway listens on (default 127.0.0.1). */
  host?: string;
  /**
   * The Flow's environment: variables for `${{ ENV.X }}` and JINA_STRESS_DOCARRAY. Only this:
   * the process environment (the agent's, with its secrets) is never read.
   */
  environment?: Record<string, string>;
  /** How long `stop` lets requests inside finish before cutting them off (default 3000). */
  closeGraceMs?: number;
}

export interface RunningReferenceFlow {
  /** One per protocol of the Flow, with the port actually bound (port 0 → a free one). */
  gateways: Array<{ protocol: GatewayProtocol; host: string; port: number }>;
  docarray: DocarrayVersion;
  /** The executors served in this process (external ones left out), in the Flow's order. */
  executors: string[];
  /**
   * Closes the gateways, lets requests inside finish (bounded: `closeGraceMs`), then persists
   * indexers. Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Starts a Flow in process: reads the YAML, starts the simulated executors (indexers load
 * their workspace), and serves the Flow's protocol(s) on its port(s).
 */
export async function startReferenceFlow(options: ReferenceFlowOptions): Promise<RunningReferenceFlow> {
  const environment = { ...options.environment };
  const { spec, substituted } = readFlowYamlExpanded(options.flowYaml, {
    source: options.flowPath ?? '<inline Flow>',
    environment,
    searchDirs: executorSearchDirs(options.flowPath, options.workdir),
  });
  try {
    return await serveFlow(spec, options, environment);
  } catch (error) {
    // Executors check their `uses_with` as they start: a value filled in from the environment
    // must not come back in the message.
    throw redactErrorSubstitutions(error, substituted);
  }
}

async function serveFlow(spec: FlowSpec, options: ReferenceFlowOptions, environment: Record<string, string>): Promise<RunningReferenceFlow> {
  const flow = await ReferenceFlow.start(spec, options.workdir, environment);
  const handler = createReferenceGatewayHandler(flow);
  const host = options.host ?? '127.0.0.1';
  const servers: GatewayServer[] = [];
  try {
    for (const listener of spec.gateways) {
      servers.push(await startGatewayServer({ protocol: listener.protocol, host, port: listener.port, docarray: spec.docarray, handler }));
    }
  } catch (error) {
    await Promise.allSettled(servers.map((server) => server.close()));
    await flow.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    gateways: servers.map((server) => ({ protocol: server.protocol, host: server.host, port: server.port })),
    docarray: spec.docarray,
    executors: spec.executors.filter((executor) => !executor.external).map((executor) => executor.name),
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled(servers.map((server) => server.close()));
        await flow.close(options.closeGraceMs);
      })();
      return stopping;
    },
  };
}
