import { rm } from 'node:fs/promises';
import fastifyMultipart from '@fastify/multipart';
import Fastify from 'fastify';
import { StressError } from '../errors.ts';
import { toErrorReply } from './agent-http-error.ts';
import { resolveAgentOptions, type AgentOptions } from './agent-options.ts';
import type { AgentState } from './agent-state.ts';
import { requireBearerToken } from './bearer-token.ts';
import type { FlowRuntime } from './flow-runtime.ts';
import { defaultFlowRuntime, flowRuntimes } from './flow-runtimes.ts';
import { registerFlowRoutes } from './flow-routes.ts';
import { FlowStore } from './flow-store.ts';
import { registerStatusRoutes } from './status-routes.ts';
import { registerWorkspaceRoutes } from './workspace-routes.ts';
import { WorkspaceStore } from './workspace-store.ts';

export interface AgentAddress {
  host: string;
  port: number;
  url: string;
}

export interface Agent {
  /** Starts serving; with port 0 the result holds the port picked. */
  listen(): Promise<AgentAddress>;
  /** Stops every flow (process groups included), then the server; removes a root it made. */
  close(): Promise<void>;
  readonly workspaceRoot: string;
}

/** The JinaD-compatible agent, usable in-process (tests, the Vitest plugin) or from the CLI. */
export function createAgent(agentOptions: AgentOptions = {}): Agent {
  const options = resolveAgentOptions(agentOptions);
  const runtimeSettings = {
    processCommand: options.processCommand,
    processPathPrefix: options.processPathPrefix,
    stopGraceMs: options.stopGraceMs,
  };
  const runtimes: Record<string, FlowRuntime> = Object.fromEntries(
    Object.entries(flowRuntimes).map(([name, entry]) => [name, entry.create(runtimeSettings)]),
  );
  const workspaces = new WorkspaceStore(options.workspaceRoot);
  const flows = new FlowStore(runtimes);
  let closing: Promise<void> | undefined;
  const state: AgentState = {
    options,
    workspaces,
    flows,
    runtimeNames: Object.keys(runtimes),
    defaultRuntime: options.runtime ?? defaultFlowRuntime,
    isClosing: () => closing !== undefined,
  };

  // No request logging: fastify's logger is off, and our log lines never carry headers.
  const app = Fastify({ logger: false });
  app.register(fastifyMultipart);
  if (options.token) requireBearerToken(app, options.token);
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = toErrorReply(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' }));
  app.register(async (scope) => {
    registerStatusRoutes(scope, state);
    registerWorkspaceRoutes(scope, state);
    registerFlowRoutes(scope, state);
  });

  return {
    workspaceRoot: options.workspaceRoot,
    async listen() {
      if (!state.runtimeNames.includes(state.defaultRuntime)) {
        throw new StressError('AGENT_RUNTIME', `unknown runtime "${state.defaultRuntime}"`, {
          hint: `one of: ${state.runtimeNames.join(', ')}`,
        });
      }
      await workspaces.load();
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
        await flows.terminateAll('the agent is shutting down');
        await app.close();
        if (options.isOwnWorkspaceRoot) await rm(options.workspaceRoot, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
