import { realpathSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { isAbsolute, join, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../protocol/json-value.ts';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentState } from './agent-state.ts';
import { buildFlowEnvironment } from './flow-environment.ts';
import { parseEnvironment, parseTimeoutReady } from './flow-routes.ts';
import type { ExecutorPolling, ExecutorStartSpec, PollingMode } from './flow-runtime.ts';
import { flowRuntimes } from './flow-runtimes.ts';
import { readUpload } from './read-upload.ts';
import { parseRunId } from './run-id.ts';
import { sendJson } from './send-json.ts';
import { WorkspaceStore } from './workspace-store.ts';

/** A deployment name: Jina's runtime names are built from it (`name/rep-0`). */
const namePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** A Python class name: never a path, a hub address or a Docker image. */
const classPattern = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const maxUsesWithBytes = 64 * 1024;
const maxPyModules = 16;
/** A sharded Deployment started by `POST /executors` (process runtime): as many shard workers. */
const maxShards = 16;
/** Workers per shard of that Deployment (Jina's `replicas`). */
const maxReplicas = 16;
const pollingModes: readonly PollingMode[] = ['ANY', 'ALL', 'ALL_ASYNC'];
/** An endpoint key of a per-endpoint `polling` (`/search`, or `*` for the rest). */
const endpointPattern = /^(\*|\/[A-Za-z0-9_\/-]{0,63})$/;

/**
 * `POST /executors`: runs ONE executor in an existing workspace, for a gateway on another host
 * to use as `external: true` (issue 13). Multipart form fields: `workspace_id` (required),
 * `name`, `uses` (a class name), `uses_with` (JSON object), `py_modules` (JSON list of files
 * in the workspace), `port` (else a free one), `docarray` (v1|v2, reference runtime),
 * `shard_index`/`shard_count` (reference runtime: one shard per executor), `shards`,
 * `replicas` (per shard) and `polling` (process runtime: the whole sharded Deployment, Jina's
 * head answering on `port`),
 * and as for `/flows`: `runtime`, `run_id`, `environment`,
 * `timeout_ready`. Answers 201 with an id that `/flows` lists, `GET /flows/{id}` describes
 * (its `gateway` is the executor's gRPC address) and `DELETE /flows/{id}` and
 * `DELETE /runs/{run_id}` stop: one record, the same guards and the same removal as a Flow.
 */
export function registerExecutorRoutes(app: FastifyInstance, state: AgentState): void {
  const { workspaces, flows, options } = state;

  app.post('/executors', async (request, reply) => {
    if (state.isClosing()) throw agentHttpError(503, 'the agent is shutting down');
    const clientGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) clientGone.abort();
    });
    // No file fields: an executor runs on files uploaded to its workspace beforehand.
    const upload = await readUpload(request, options.limits, workspaces.root, []);
    let id: string;
    try {
      const { fields } = upload;
      const runtime = fields.runtime || state.defaultRuntime;
      if (!(runtime in flowRuntimes)) {
        throw agentHttpError(400, `unknown runtime "${runtime}"`, { hint: `one of: ${Object.keys(flowRuntimes).join(', ')}` });
      }
      if (!state.runtimeNames.includes(runtime)) {
        throw agentHttpError(403, `runtime "${runtime}" is not enabled on this agent (enabled: ${state.runtimeNames.join(', ')})`, {
          hint: `whoever runs the agent can enable it: --runtimes ${[...state.runtimeNames, runtime].join(',')}`,
        });
      }
      if (!fields.workspace_id) throw agentHttpError(422, 'field required: workspace_id (upload the executor\'s files to a workspace first)');
      const workspaceId = WorkspaceStore.chooseId(fields.workspace_id);
      const workspace = workspaces.get(workspaceId);
      const name = requirePattern(fields.name, 'name', namePattern, 'a deployment name: a letter, then letters, digits, _ or -');
      if (name === 'gateway') throw agentHttpError(422, 'form field name: "gateway" is reserved for the gateway');
      const uses = requirePattern(fields.uses, 'uses', classPattern, 'an executor class name (no paths, hub addresses or images)');
      const shardCount = parseInteger(fields.shard_count, 'shard_count', 1, 1, 64);
      const shards = parseInteger(fields.shards, 'shards', 1, 1, maxShards);
      if (shards > 1 && runtime !== 'process') {
        throw agentHttpError(422, `form field shards: the ${runtime} runtime serves one shard per executor`, {
          hint: 'start one executor per shard with shard_index and shard_count, and give the gateway one address per shard',
        });
      }
      if (shards > 1 && shardCount > 1) throw agentHttpError(422, 'form fields shards and shard_count exclude each other: shards starts every shard here, shard_count one of them');
      const replicas = parseInteger(fields.replicas, 'replicas', 1, 1, maxReplicas);
      if (replicas > 1 && shards === 1) {
        // Jina 3.34 starts a head only for shards above 1: an unsharded Deployment's replicas
        // each listen on their own port, and one executor record has one address to give.
        throw agentHttpError(422, 'form field replicas needs shards above 1: Jina puts no head in front of an unsharded Deployment, so its replicas would have no one address', {
          hint: 'start one executor per replica and give the gateway each address, or shard the executor',
        });
      }
      const polling = parsePolling(fields.polling);
      const usesWith = parseUsesWith(fields.uses_with);
      // The sharded Deployment runs from a Flow file, where Jina substitutes `${{ ENV.… }}`.
      if (shards > 1 && JSON.stringify(usesWith).includes('${')) throw agentHttpError(422, 'form field uses_with of a sharded executor must not contain "${" (Jina would substitute it)');
      if (polling !== undefined && shards === 1) throw agentHttpError(422, 'form field polling needs shards above 1: it says how the head sends requests to the shards');
      const executor: ExecutorStartSpec = {
        name,
        uses,
        usesWith,
        pyModules: parsePyModules(fields.py_modules, workspace.workdir),
        port: fields.port ? parseInteger(fields.port, 'port', 0, 1024, 65535) : await freePort(options.host),
        docarray: parseDocarray(fields.docarray),
        shardIndex: parseInteger(fields.shard_index, 'shard_index', 0, 0, shardCount - 1),
        shardCount,
        shards,
        replicas,
        ...(polling !== undefined ? { polling } : {}),
      };
      const timeoutReadyMs = parseTimeoutReady(fields.timeout_ready, options.timeoutReadyMs);
      const requestedRunId = parseRunId(fields.run_id, 'form field run_id');
      const { environment, notPassed } = buildFlowEnvironment(parseEnvironment(fields.environment), '', options.passEnv);
      // What was asked, as YAML: what `GET /flows/{id}` shows as the source.
      const description = `jtype: ${uses}\nname: ${name}\nport: ${executor.port}\nuses_with: ${JSON.stringify(executor.usesWith)}\n${shards > 1 ? `shards: ${shards}\n${replicas > 1 ? `replicas: ${replicas}\n` : ''}polling: ${JSON.stringify(polling ?? 'ANY')}\n` : ''}`;
      const starting = await state.workspaceLocks.run(workspaceId, async () => {
        const current = workspaces.get(workspaceId);
        const runId = requestedRunId ?? current.runId;
        const started = flows.start({
          workspaceId,
          ...(runId ? { runId } : {}),
          flowName: `executor:${name}`,
          flowFile: join(current.workdir, `executor-${name}.yml`),
          flowYaml: description,
          workdir: current.workdir,
          environment,
          environmentNotPassed: notPassed,
          host: options.host,
          timeoutReadyMs,
          runtime,
          signal: clientGone.signal,
          executor,
        });
        started.catch(() => {});
        return { started };
      });
      const record = await starting.started;
      const ready = record.state.status === 'running' ? record.state : undefined;
      const shape = shards > 1 ? `, ${shards} shards${replicas > 1 ? ` × ${replicas} replicas` : ''} behind its head` : '';
      options.log(`executor ${name} (${record.id}) ready in ${ready?.timeToReadyS.toFixed(2)} s (${runtime}, grpc:${executor.port}${shape})`);
      id = record.id;
    } finally {
      await rm(upload.stagingDir, { recursive: true, force: true });
    }
    return sendJson(reply, 201, id);
  });
}

function requirePattern(raw: string | undefined, field: string, pattern: RegExp, what: string): string {
  if (!raw) throw agentHttpError(422, `field required: ${field} (${what})`);
  if (!pattern.test(raw)) throw agentHttpError(422, `form field ${field} must be ${what}`);
  return raw;
}

function parseInteger(raw: string | undefined, field: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw agentHttpError(422, `form field ${field} must be a whole number from ${min} to ${max}`);
  return value;
}

/** `ANY`, `ALL`, `ALL_ASYNC`, or a JSON object of endpoint → one of them (Jina's per-endpoint polling). */
function parsePolling(raw: string | undefined): ExecutorPolling | undefined {
  if (raw === undefined || raw === '') return undefined;
  const isMode = (value: unknown): value is PollingMode => typeof value === 'string' && (pollingModes as readonly string[]).includes(value);
  if (isMode(raw)) return raw;
  const what = `form field polling must be one of ${pollingModes.join(', ')} or a JSON object of endpoint ("/search" or "*") to one of them`;
  if (raw.length > 4096) throw agentHttpError(422, what);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw agentHttpError(422, what);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentHttpError(422, what);
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > 32 || !entries.every(([endpoint, mode]) => endpointPattern.test(endpoint) && isMode(mode))) {
    throw agentHttpError(422, what);
  }
  return Object.fromEntries(entries) as Record<string, PollingMode>;
}

function parseDocarray(raw: string | undefined): 'v1' | 'v2' {
  if (!raw) return 'v2';
  if (raw === 'v1' || raw === 'v2') return raw;
  throw agentHttpError(422, 'form field docarray must be v1 or v2');
}

function parseJson(raw: string, field: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw agentHttpError(422, `form field ${field} is not JSON`);
  }
}

function parseUsesWith(raw: string | undefined): JsonObject {
  if (!raw) return {};
  if (Buffer.byteLength(raw) > maxUsesWithBytes) throw agentHttpError(413, `form field uses_with is larger than ${maxUsesWithBytes} bytes`);
  const value = parseJson(raw, 'uses_with');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentHttpError(422, 'form field uses_with must be a JSON object');
  return value as JsonObject;
}

/** Files of the workspace only: no absolute path, no `..`, no link leading out, `.py` files. */
function parsePyModules(raw: string | undefined, workdir: string): string[] {
  if (!raw) return [];
  const value = parseJson(raw, 'py_modules');
  if (!Array.isArray(value) || value.length > maxPyModules || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw agentHttpError(422, `form field py_modules must be a JSON list of at most ${maxPyModules} file names in the workspace`);
  }
  const root = realpathSync(workdir);
  return (value as string[]).map((name) => {
    if (isAbsolute(name) || name.split(/[\\/]/).includes('..') || !name.endsWith('.py') || name.includes('\0')) {
      throw agentHttpError(422, `py_modules entry ${JSON.stringify(name)} must be a relative .py file inside the workspace`);
    }
    let real: string;
    try {
      real = realpathSync(join(root, name));
    } catch {
      throw agentHttpError(422, `py_modules entry ${JSON.stringify(name)} is not in the workspace (upload it first)`);
    }
    if (!real.startsWith(root + sep) || !statSync(real).isFile()) {
      throw agentHttpError(422, `py_modules entry ${JSON.stringify(name)} must be a file inside the workspace`);
    }
    return real;
  });
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw agentHttpError(500, 'could not pick a free port');
  return address.port;
}
