import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentState } from './agent-state.ts';
import { buildFlowEnvironment } from './flow-environment.ts';
import { allocateGatewayPorts } from './flow-port-allocation.ts';
import { flowRuntimes } from './flow-runtimes.ts';
import type { FlowRecord } from './flow-store.ts';
import { readUpload } from './read-upload.ts';
import { removeWorkspace } from './remove-workspace.ts';
import { parseRunId } from './run-id.ts';
import { sendJson } from './send-json.ts';
import { WorkspaceStore } from './workspace-store.ts';

const maxFlowYamlBytes = 1024 * 1024;

/** JinaD 1.x `/flows`, plus the gateway address and the runtime in `GET /flows/{id}`. */
export function registerFlowRoutes(app: FastifyInstance, state: AgentState): void {
  const { workspaces, flows, options } = state;

  const describe = (flow: FlowRecord, request: FastifyRequest) => {
    const base = {
      time_created: flow.timeCreated.toISOString(),
      arguments: flow.arguments,
      yaml_source: flow.yamlSource,
      workdir: flow.workdir,
      workspace_id: flow.workspaceId,
      ...(flow.runId ? { run_id: flow.runId } : {}),
      runtime: flow.runtime,
      state: flow.state.status,
    };
    if (flow.state.status !== 'running') return base;
    const { running, timeToReadyS } = flow.state;
    const gateways = running.gateways.map((gateway) => ({
      ...gateway,
      host: options.advertiseHost ?? reachableHost(gateway.host, request.hostname),
    }));
    const first = gateways[0];
    return {
      ...base,
      gateway: first && {
        host: first.host,
        port: first.port,
        protocol: first.protocol,
        ports: gateways.map(({ protocol, port }) => ({ protocol, port })),
      },
      time_to_ready_s: timeToReadyS,
      log_tail: running.logTail(),
    };
  };

  app.post('/flows', async (request, reply) => {
    if (state.isClosing()) throw agentHttpError(503, 'the agent is shutting down');
    // Cancel the start when the client goes away: nobody would learn the flow's id.
    const clientGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) clientGone.abort();
    });
    const upload = await readUpload(request, options.limits, workspaces.root, ['flow']);
    let flowId: string;
    // The staging folder goes before the answer: a client that got it finds no leftovers.
    try {
      const flowFile = upload.files.find((file) => file.fieldName === 'flow');
      if (!flowFile) throw agentHttpError(422, 'field required: flow (the Flow YAML file)');
      if (flowFile.bytes > maxFlowYamlBytes) {
        throw agentHttpError(413, `Flow YAML is larger than the limit of ${maxFlowYamlBytes} bytes`);
      }
      const { fields } = upload;
      const runtime = fields.runtime || state.defaultRuntime;
      if (runtime in flowRuntimes && !state.runtimeNames.includes(runtime)) {
        throw agentHttpError(403, `runtime "${runtime}" is not enabled on this agent (enabled: ${state.runtimeNames.join(', ')})`, {
          hint: `whoever runs the agent can enable it: --runtimes ${[...state.runtimeNames, runtime].join(',')}`,
        });
      }
      const timeoutReadyMs = parseTimeoutReady(fields.timeout_ready, options.timeoutReadyMs);
      const requestedRunId = parseRunId(fields.run_id, 'form field run_id');
      const workspaceId = WorkspaceStore.chooseId(fields.workspace_id || undefined);
      if (fields.workspace_id) workspaces.get(workspaceId);
      const flowYaml = await readFile(flowFile.stagedPath, 'utf8');
      const { environment, notPassed } = buildFlowEnvironment(parseEnvironment(fields.environment), flowYaml, options.passEnv);
      if (notPassed.length > 0) {
        options.log(`flow ${flowFile.name}: environment ${notPassed.join(', ')} not passed (not JINA_*, not in the Flow file, not --pass-env)`);
      }
      const ports = await allocateGatewayPorts(flowYaml, environment, options.host);
      for (const [name, port] of Object.entries(ports.allocated)) {
        options.log(`flow ${flowFile.name}: ${name}=${port} (a free port the agent picked for the gateway)`);
      }
      // The workspace's lock covers storing the file and registering the Flow: a delete of the
      // workspace then either comes first (404 here) or finds the Flow and stops it.
      const starting = await state.workspaceLocks.run(workspaceId, async () => {
        if (fields.workspace_id) workspaces.get(workspaceId);
        // Stored in the workspace under its own name, so relative paths in it resolve as in the seed.
        const { workspace } = await workspaces.commit([flowFile], workspaceId, requestedRunId);
        const runId = requestedRunId ?? workspace.runId;
        const started = flows.start({
          workspaceId: workspace.id,
          ...(runId ? { runId } : {}),
          flowName: flowFile.name,
          flowFile: join(workspace.workdir, ...flowFile.name.split('/')),
          flowYaml,
          workdir: workspace.workdir,
          environment: ports.environment,
          environmentNotPassed: notPassed,
          host: options.host,
          timeoutReadyMs,
          runtime,
          signal: clientGone.signal,
        });
        // Awaited right after the lock is released; until then a rejection is not unhandled.
        started.catch(() => {});
        return { started };
      });
      const flow = await starting.started;
      const ready = flow.state.status === 'running' ? flow.state : undefined;
      const served = ready?.running.gateways.map((g) => `${g.protocol}:${g.port}`).join(', ');
      options.log(`flow ${flow.id} ready in ${ready?.timeToReadyS.toFixed(2)} s (${flow.runtime}, ${served})`);
      flowId = flow.id;
    } finally {
      await rm(upload.stagingDir, { recursive: true, force: true });
    }
    return sendJson(reply, 201, flowId);
  });

  app.get('/flows', async (request, reply) => {
    const items = Object.fromEntries(flows.list().map((flow) => [flow.id, describe(flow, request)]));
    return sendJson(reply, 200, {
      size: flows.list().length,
      time_created: flows.timeCreated.toISOString(),
      time_updated: flows.timeUpdated.toISOString(),
      num_add: flows.numAdd,
      num_del: flows.numDel,
      items,
    });
  });

  app.get<{ Params: { id: string } }>('/flows/:id', async (request, reply) =>
    sendJson(reply, 200, describe(flows.get(request.params.id), request)),
  );

  // `workspace` is a query parameter in JinaD 1.x (FastAPI scalar); true also deletes the workspace.
  app.delete<{ Params: { id: string }; Querystring: { workspace?: string } }>('/flows/:id', async (request, reply) => {
    const flow = await flows.terminate(request.params.id);
    options.log(`flow ${flow.id} terminated`);
    if (request.query.workspace === 'true') await removeWorkspace(state, flow.workspaceId, `workspace ${flow.workspaceId} deleted`);
    return sendJson(reply, 200, null);
  });

  app.delete('/flows', async (_request, reply) => {
    await flows.terminateAll('all flows terminated');
    return sendJson(reply, 200, null);
  });
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

/** A gateway bound to all interfaces is reachable where the client reached the agent. */
function reachableHost(gatewayHost: string, requestHost: string): string {
  if (!isWildcard(gatewayHost)) return gatewayHost;
  return isWildcard(requestHost) ? '127.0.0.1' : requestHost;
}

export function parseEnvironment(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw agentHttpError(422, 'form field environment is not JSON (expected an object of names to values)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw agentHttpError(422, 'form field environment must be a JSON object of names to values');
  }
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, String(item)]));
}

/** Milliseconds, as Jina's `--timeout-ready`; -1 waits forever. */
export function parseTimeoutReady(raw: string | undefined, fallbackMs: number): number | undefined {
  if (!raw) return fallbackMs;
  const timeoutMs = Number(raw);
  if (!Number.isInteger(timeoutMs) || (timeoutMs < 1 && timeoutMs !== -1)) {
    throw agentHttpError(422, `form field timeout_ready ${JSON.stringify(raw)} is not a whole number of ms (or -1)`);
  }
  return timeoutMs === -1 ? undefined : timeoutMs;
}
