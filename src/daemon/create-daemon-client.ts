import axios from 'axios';
import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import { toGatewayProtocol } from '../gateway/protocol-names.ts';
import { parseMetricsWindowRead, parseMetricsWindowStart } from './agent-metrics.ts';
import type { BarrierArrival, BarrierState, DaemonApi, ExecutorStart, FlowGateway, FlowInfo, RunHoldings, StartFlowOptions, UploadFile } from './daemon-api.ts';
import { daemonAnswerError, parseJson, type DaemonCall } from './daemon-error.ts';
import { isStressError } from '../errors.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import { sendDaemonRequest, type DaemonRequest } from './send-daemon-request.ts';
import { buildUploadForm } from './upload-form.ts';

export interface DaemonClientOptions {
  host: string;
  port: number;
  /** Sent as `Authorization: Bearer <token>`; never in messages or error details. */
  token?: string;
  /** Attempts after the first on refused/reset connections and 502/503 (default 3). */
  retries?: number;
  /** First retry delay, doubling each time (default 200). */
  retryBaseDelayMs?: number;
  /** Per request (default 30000). start_flow waits at least for the flow's own timeout_ready. */
  timeoutMs?: number;
  /** Sent as `run_id` with every workspace and Flow this client creates (see the agent's runs). */
  runId?: string;
}

/**
 * Sent with every request. A browser cannot add a header to a cross-site request without a
 * CORS preflight, which the agent never grants, so the agent (without a token) accepts
 * form posts only with it: a web page cannot drive the agent behind the user's back.
 */
const CROSS_SITE_GUARD_HEADER = 'X-Jina-Stress';

/** A DaemonApi over HTTP: the project's agent, or a real JinaD 1.x. */
export function createDaemonClient(options: DaemonClientOptions): DaemonApi {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const baseUrl = `http://${host}:${options.port}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy: RetryPolicy = {
    retries: options.retries ?? defaultRetryPolicy.retries,
    baseDelayMs: options.retryBaseDelayMs ?? defaultRetryPolicy.baseDelayMs,
  };
  const http = axios.create({
    baseURL: baseUrl,
    headers: { [CROSS_SITE_GUARD_HEADER]: '1', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    // Statuses are ours to judge, and bodies are parsed here: an error body may not be JSON.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
    // Daemons are usually on loopback or a private network; an HTTP(S)_PROXY meant for the
    // internet would only get in the way.
    proxy: false,
  });

  const send = (request: Omit<DaemonRequest, 'timeoutMs'> & { timeoutMs?: number }) =>
    sendDaemonRequest(http, { timeoutMs, ...request }, policy);

  const expectId = (where: DaemonCall, text: string): string => {
    const id = parseJson(text);
    if (typeof id !== 'string' || id.length === 0) throw daemonAnswerError(where, 201, 'a JSON string id', text);
    return id;
  };

  return {
    baseUrl,

    async status() {
      const where = { call: 'status', method: 'GET', path: '/status' };
      const body = parseJson(await send(where));
      if (!isRecord(body)) throw daemonAnswerError(where, 200, 'a JSON object', '');
      return body;
    },

    async createWorkspace(files: UploadFile[], workspaceId?: string) {
      const where = {
        call: workspaceId === undefined ? 'create_workspace' : 'update_workspace',
        method: 'POST',
        path: '/workspaces',
      };
      const fields: Record<string, string> = workspaceId === undefined ? {} : { workspace_id: workspaceId };
      if (options.runId) fields.run_id = options.runId;
      const text = await send({
        ...where,
        body: () => {
          const form = buildUploadForm('files', files, fields);
          return { data: form, headers: form.getHeaders() };
        },
      });
      return expectId(where, text);
    },

    async deleteWorkspace(workspaceId: string) {
      await send({ call: 'delete_workspace', method: 'DELETE', path: `/workspaces/${encodeURIComponent(workspaceId)}` });
    },

    async startFlow(flowFile: UploadFile, workspaceId: string, startOptions: StartFlowOptions = {}) {
      const where = { call: 'start_flow', method: 'POST', path: '/flows' };
      const fields: Record<string, string> = { workspace_id: workspaceId };
      if (options.runId) fields.run_id = options.runId;
      if (startOptions.runtime) fields.runtime = startOptions.runtime;
      if (startOptions.environment) fields.environment = JSON.stringify(startOptions.environment);
      if (startOptions.timeoutReadyS !== undefined) fields.timeout_ready = String(Math.round(startOptions.timeoutReadyS * 1000));
      // The daemon answers only once the gateway is up (or gave up): wait past its own timeout.
      const readyWaitMs = (startOptions.timeoutReadyS ?? 600) * 1000 + 30_000;
      const text = await send({
        ...where,
        timeoutMs: Math.max(timeoutMs, readyWaitMs),
        body: () => {
          const form = buildUploadForm('flow', [flowFile], fields);
          return { data: form, headers: form.getHeaders() };
        },
      });
      return expectId(where, text);
    },

    async startExecutor(executor: ExecutorStart, workspaceId: string) {
      const where = { call: 'start_executor', method: 'POST', path: '/executors' };
      const fields: Record<string, string> = { workspace_id: workspaceId, name: executor.name, uses: executor.uses };
      if (options.runId) fields.run_id = options.runId;
      if (executor.usesWith) fields.uses_with = JSON.stringify(executor.usesWith);
      if (executor.pyModules?.length) fields.py_modules = JSON.stringify(executor.pyModules);
      if (executor.port !== undefined) fields.port = String(executor.port);
      if (executor.shardIndex !== undefined) fields.shard_index = String(executor.shardIndex);
      if (executor.shardCount !== undefined) fields.shard_count = String(executor.shardCount);
      if (executor.shards !== undefined) fields.shards = String(executor.shards);
      if (executor.replicas !== undefined) fields.replicas = String(executor.replicas);
      if (executor.polling !== undefined) fields.polling = typeof executor.polling === 'string' ? executor.polling : JSON.stringify(executor.polling);
      if (executor.runtime) fields.runtime = executor.runtime;
      if (executor.environment) fields.environment = JSON.stringify(executor.environment);
      if (executor.timeoutReadyS !== undefined) fields.timeout_ready = String(Math.round(executor.timeoutReadyS * 1000));
      const readyWaitMs = (executor.timeoutReadyS ?? 600) * 1000 + 30_000;
      const text = await send({
        ...where,
        timeoutMs: Math.max(timeoutMs, readyWaitMs),
        body: () => {
          const form = buildUploadForm('files', [], fields);
          return { data: form, headers: form.getHeaders() };
        },
      });
      return expectId(where, text);
    },

    async getFlow(flowId: string) {
      const where = { call: 'get_flow', method: 'GET', path: `/flows/${encodeURIComponent(flowId)}` };
      const text = await send(where);
      const body = parseJson(text);
      if (!isRecord(body)) throw daemonAnswerError(where, 200, 'a JSON object', text);
      return toFlowInfo(flowId, body);
    },

    async terminateFlow(flowId: string) {
      // JinaD 1.x reads `workspace` from the query string; false keeps the workspace.
      await send({ call: 'terminate_flow', method: 'DELETE', path: `/flows/${encodeURIComponent(flowId)}?workspace=false` });
    },

    async renewLease(runId: string, ttlS: number) {
      const where = { call: 'renew_lease', method: 'PUT', path: `/runs/${encodeURIComponent(runId)}/lease` };
      const text = await send({ ...where, body: () => ({ data: { ttl_s: ttlS }, headers: { 'content-type': 'application/json' } }) });
      const body = parseJson(text);
      const expiresAt = isRecord(body) && typeof body.expires_at === 'string' ? new Date(body.expires_at) : undefined;
      if (!expiresAt || Number.isNaN(expiresAt.getTime())) throw daemonAnswerError(where, 200, 'a lease with expires_at', text);
      return { runId, expiresAt };
    },

    async deleteRun(runId: string) {
      const where = { call: 'delete_run', method: 'DELETE', path: `/runs/${encodeURIComponent(runId)}` };
      return toRunHoldings(runId, where, await send(where));
    },

    async getRun(runId: string) {
      const where = { call: 'get_run', method: 'GET', path: `/runs/${encodeURIComponent(runId)}` };
      return toRunHoldings(runId, where, await send(where));
    },

    async arriveAtBarrier(runId: string, barrier: string, arrival: BarrierArrival) {
      const where = { call: 'barrier', method: 'POST', path: `/runs/${encodeURIComponent(runId)}/barriers/${encodeURIComponent(barrier)}` };
      const data = {
        party: arrival.party,
        parties: arrival.parties,
        timeout_s: arrival.timeoutS,
        ...(arrival.waitS !== undefined ? { wait_s: arrival.waitS } : {}),
        ...(arrival.leadMs !== undefined ? { lead_ms: arrival.leadMs } : {}),
        ...(arrival.note !== undefined ? { note: arrival.note } : {}),
      };
      // The agent holds a long poll up to wait_s: the request may take that long.
      const text = await send({
        ...where,
        timeoutMs: Math.max(timeoutMs, (arrival.waitS ?? 0) * 1000 + 10_000),
        body: () => ({ data, headers: { 'content-type': 'application/json' } }),
      });
      return toBarrierState(where, text);
    },

    async openMetricsWindow(scope) {
      const where = { call: 'open_metrics_window', method: 'POST', path: '/metrics/windows' };
      const body = {
        ...(scope.flowIds ? { flows: scope.flowIds } : {}),
        ...(scope.runId ? { run_id: scope.runId } : {}),
        max_duration_s: Math.min(90_000, Math.max(1, Math.ceil(scope.maxDurationS))),
      };
      const sentAtMs = Date.now();
      let text: string;
      try {
        text = await send({ ...where, body: () => ({ data: body, headers: { 'content-type': 'application/json' } }) });
      } catch (error) {
        const httpStatus = isStressError(error) ? error.details?.httpStatus : undefined;
        // A JinaD (or an older agent) has no such route: metrics are unavailable, not an error.
        if (httpStatus === 404 || httpStatus === 405) return { status: 'unsupported', reason: `the daemon has no host metrics (POST /metrics/windows → ${httpStatus})` };
        throw error;
      }
      const localNowMs = (sentAtMs + Date.now()) / 2;
      const window = parseMetricsWindowStart(parseJson(text));
      if (!window) throw daemonAnswerError(where, 201, 'a metrics window', text);
      return { status: 'open', ...window, localNowMs };
    },

    async readMetricsWindow(windowId, afterSeq) {
      const where = { call: 'read_metrics_window', method: 'GET', path: `/metrics/windows/${encodeURIComponent(windowId)}?after=${afterSeq}` };
      const text = await send(where);
      const read = parseMetricsWindowRead(parseJson(text));
      if (!read) throw daemonAnswerError(where, 200, 'metrics samples', text);
      return read;
    },

    async closeMetricsWindow(windowId, afterSeq) {
      const where = { call: 'close_metrics_window', method: 'DELETE', path: `/metrics/windows/${encodeURIComponent(windowId)}?after=${afterSeq}` };
      const text = await send(where);
      const read = parseMetricsWindowRead(parseJson(text));
      if (!read) throw daemonAnswerError(where, 200, 'metrics samples', text);
      return read;
    },
  };
}

function toRunHoldings(runId: string, where: DaemonCall, text: string): RunHoldings {
  const body = parseJson(text);
  const ids = (value: unknown) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined);
  const flows = isRecord(body) ? ids(body.flows) : undefined;
  const workspaces = isRecord(body) ? ids(body.workspaces) : undefined;
  if (!flows || !workspaces) throw daemonAnswerError(where, 200, 'a run with flows and workspaces', text);
  const holdings: RunHoldings = { runId, flows, workspaces };
  const lease = isRecord(body) ? body.lease : undefined;
  if (isRecord(lease) && typeof lease.ttl_s === 'number' && typeof lease.expires_at === 'string') {
    holdings.lease = { ttlS: lease.ttl_s, expiresAt: new Date(lease.expires_at) };
  }
  return holdings;
}

function toBarrierState(where: DaemonCall, text: string): BarrierState {
  const body = parseJson(text);
  const numbers = (value: unknown) => (Array.isArray(value) && value.every((item) => typeof item === 'number') ? (value as number[]) : undefined);
  if (!isRecord(body) || typeof body.parties !== 'number' || !numbers(body.arrived) || !isRecord(body.notes)) {
    throw daemonAnswerError(where, 200, 'a barrier with parties, arrived and notes', text);
  }
  const notes = Object.fromEntries(Object.entries(body.notes).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const common = { arrived: numbers(body.arrived)!, notes, parties: body.parties };
  if (body.status !== 'released') return { status: 'waiting', ...common };
  const startAt = typeof body.start_at === 'string' ? new Date(body.start_at) : undefined;
  if (!startAt || Number.isNaN(startAt.getTime()) || typeof body.starts_in_ms !== 'number' || !numbers(body.missing)) {
    throw daemonAnswerError(where, 200, 'a released barrier with start_at, starts_in_ms and missing', text);
  }
  return {
    status: 'released',
    ...common,
    releasedBy: body.released_by === 'timeout' ? 'timeout' : 'all_arrived',
    missing: numbers(body.missing)!,
    startAt,
    startsInMs: body.starts_in_ms,
  };
}

/** JinaD 1.x has no gateway or runtime fields; the agent adds them. */
function toFlowInfo(id: string, body: Record<string, unknown>): FlowInfo {
  const info: FlowInfo = {
    id,
    workspaceId: typeof body.workspace_id === 'string' ? body.workspace_id : '',
    runtime: typeof body.runtime === 'string' ? body.runtime : 'jinad',
    yamlSource: typeof body.yaml_source === 'string' ? body.yaml_source : '',
  };
  const gateway = toFlowGateway(body.gateway);
  if (gateway) info.gateway = gateway;
  if (typeof body.time_to_ready_s === 'number') info.timeToReadyS = body.time_to_ready_s;
  return info;
}

function toFlowGateway(raw: unknown): FlowGateway | undefined {
  if (!isRecord(raw) || typeof raw.host !== 'string' || typeof raw.port !== 'number') return undefined;
  const protocol = toProtocol(raw.protocol) ?? 'grpc';
  const ports = (Array.isArray(raw.ports) ? raw.ports : [])
    .filter(isRecord)
    .flatMap((entry) => {
      const entryProtocol = toProtocol(entry.protocol);
      return entryProtocol && typeof entry.port === 'number' ? [{ protocol: entryProtocol, port: entry.port }] : [];
    });
  return { host: raw.host, port: raw.port, protocol, ports: ports.length > 0 ? ports : [{ protocol, port: raw.port }] };
}

function toProtocol(value: unknown): GatewayProtocol | undefined {
  return typeof value === 'string' ? toGatewayProtocol(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
