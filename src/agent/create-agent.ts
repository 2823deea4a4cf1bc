import { mkdirSync, realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import fastifyMultipart from '@fastify/multipart';
import Fastify from 'fastify';
import { StressError } from '../errors.ts';
import { AgentLedger } from './agent-ledger.ts';
import { toErrorReply } from './agent-http-error.ts';
import { resolveAgentOptions, type AgentOptions } from './agent-options.ts';
import type { AgentState } from './agent-state.ts';
import { requireBearerToken } from './bearer-token.ts';
import { refuseCrossSiteRequests } from './cross-site-guard.ts';
import type { FlowRuntime, FlowRuntimeSettings } from './flow-runtime.ts';
import { flowRuntimes, type FlowRuntimeName } from './flow-runtimes.ts';
import { registerBarrierRoutes } from './barrier-routes.ts';
import { registerExecutorRoutes } from './executor-routes.ts';
import { registerFlowRoutes } from './flow-routes.ts';
import { FlowStore } from './flow-store.ts';
import { KeyedLock } from './keyed-lock.ts';
import { registerMetricsRoutes } from './metrics-routes.ts';
import { MetricsWindows } from './metrics-windows.ts';
import { readProcessStat } from './process-identity.ts';
import { reconcileLeftovers } from './reconcile-leftovers.ts';
import { removeRun } from './remove-run.ts';
import { RunBarriers } from './run-barriers.ts';
import { RunLeases } from './run-leases.ts';
import { registerRunRoutes } from './run-routes.ts';
import { registerStatusRoutes } from './status-routes.ts';
import { registerWorkspaceRoutes } from './workspace-routes.ts';
import { WorkspaceStore } from './workspace-store.ts';

export interface AgentAddress {
  host: string;
  port: number;
  url: string;
}

export interface Agent {
  /** Cleans up what an earlier agent left on the root, then serves; with port 0 the result holds the port picked. */
  listen(): Promise<AgentAddress>;
  /** Stops every flow (process groups included), then the server; removes a root it made. */
  close(): Promise<void>;
  /** The workspace root, as a real path (symlinks resolved). */
  readonly workspaceRoot: string;
  /** Runtimes requests may use. */
  readonly runtimes: readonly string[];
  readonly hasToken: boolean;
}

/** The JinaD-compatible agent, usable in-process (tests, the Vitest plugin) or from the CLI. */
export function createAgent(agentOptions: AgentOptions = {}): Agent {
  const resolved = resolveAgentOptions(agentOptions);
  // Real path: confinement checks compare real paths, and /tmp may itself be a link.
  mkdirSync(resolved.workspaceRoot, { recursive: true });
  const options = { ...resolved, workspaceRoot: realpathSync(resolved.workspaceRoot) };
  const ledger = new AgentLedger(options.workspaceRoot);
  const runtimeSettings: FlowRuntimeSettings = {
    processCommand: options.processCommand,
    processPathPrefix: options.processPathPrefix,
    stopGraceMs: options.stopGraceMs,
    processGroups: {
      started: (pgid, workspaceId) => {
        const startTicks = readProcessStat(pgid)?.startTicks;
        if (startTicks !== undefined) ledger.addProcessGroup({ pgid, startTicks, workspaceId });
      },
      stopped: (pgid) => ledger.removeProcessGroup(pgid),
    },
  };
  for (const name of options.runtimes) {
    if (!(name in flowRuntimes)) {
      throw new StressError('CONFIG_INVALID', `agent: unknown runtime "${name}"`, { hint: `one of: ${Object.keys(flowRuntimes).join(', ')}` });
    }
  }
  // Only the allowed runtimes exist in this agent: a request cannot reach another one.
  const runtimes: Record<string, FlowRuntime> = Object.fromEntries(
    options.runtimes.map((name) => [name, flowRuntimes[name as FlowRuntimeName].create(runtimeSettings)]),
  );
  const workspaces = new WorkspaceStore(options.workspaceRoot, ledger);
  const flows = new FlowStore(runtimes);
  const metricsWindows = new MetricsWindows(flows, options.log);
  let closing: Promise<void> | undefined;
  const state: AgentState = {
    options,
    workspaces,
    flows,
    ledger,
    leases: new RunLeases(ledger, async (runId) => {
      try {
        await removeRun(state, runId, `the lease of run ${runId} expired`);
      } catch (error) {
        options.log(`run ${runId}: removing after its lease expired failed: ${(error as Error).message}`);
      }
    }),
    barriers: new RunBarriers(),
    workspaceLocks: new KeyedLock(),
    runtimeNames: options.runtimes,
    defaultRuntime: options.runtime,
    isClosing: () => closing !== undefined,
  };

  // No request logging: fastify's logger is off, and our log lines never carry headers.
  const app = Fastify({ logger: false });
  app.register(fastifyMultipart);
  refuseCrossSiteRequests(app, {
    hasToken: options.token !== undefined,
    hostNames: [options.host, ...(options.advertiseHost ? [options.advertiseHost] : []), ...options.allowedHosts],
  });
  if (options.token !== undefined) requireBearerToken(app, options.token);
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = toErrorReply(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' }));
  app.register(async (scope) => {
    registerStatusRoutes(scope, state);
    registerWorkspaceRoutes(scope, state);
    registerFlowRoutes(scope, state);
    registerExecutorRoutes(scope, state);
    registerRunRoutes(scope, state);
    registerBarrierRoutes(scope, state);
    registerMetricsRoutes(scope, state, metricsWindows);
  });

  return {
    workspaceRoot: options.workspaceRoot,
    runtimes: options.runtimes,
    hasToken: options.token !== undefined,
    async listen() {
      const leftovers = await reconcileLeftovers(options.workspaceRoot, options);
      for (const workspace of leftovers.kept) workspaces.adopt(workspace);
      ledger.write();
      state.leases.restore(leftovers.leases);
      try {
        await app.listen({ host: options.host, port: options.port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new StressError('AGENT_RUNTIME', `cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`, {
          hint: code === 'EADDRINUSE' ? 'another program uses this port: pick another (0 = any free port)' : undefined,
        });
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
      return { host: options.host, port, url: `http://${urlHost}:${port}` };
    },
    close() {
      closing ??= (async () => {
        state.leases.close();
        state.barriers.close();
        metricsWindows.closeAll();
        await flows.terminateAll('the agent is shutting down');
        await app.close();
        if (options.isOwnWorkspaceRoot) await rm(options.workspaceRoot, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
