import type { FastifyInstance } from 'fastify';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentState } from './agent-state.ts';
import { MAX_WINDOW_DURATION_S, type MetricsWindows, type WindowScope } from './metrics-windows.ts';
import { parseRunId } from './run-id.ts';
import { sendJson } from './send-json.ts';

const idPattern = /^[A-Za-z0-9-]{1,64}$/;
const maxFlowIds = 256;
const defaultDurationS = 3600;
const bodyKeys = new Set(['flows', 'run_id', 'max_duration_s']);

/**
 * Host metrics (not in JinaD): a sampling window per load phase. `POST /metrics/windows` with
 * `{flows?: [id…], run_id?, max_duration_s?}` starts sampling once a second; `GET
 * /metrics/windows/{id}?after=<seq>` reads the samples after `seq`; `DELETE` stops and answers
 * with the rest. Every parameter is checked; nothing from a request reaches /proc or a process.
 */
export function registerMetricsRoutes(app: FastifyInstance, state: AgentState, windows: MetricsWindows): void {
  app.post<{ Body: unknown }>('/metrics/windows', async (request, reply) => {
    if (state.isClosing()) throw agentHttpError(503, 'the agent is shutting down');
    return sendJson(reply, 201, windows.open(readScope(request.body)));
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/metrics/windows/:id', async (request, reply) =>
    sendJson(reply, 200, windows.read(readWindowId(request.params.id), readAfter(request.query))),
  );

  app.delete<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/metrics/windows/:id', async (request, reply) =>
    sendJson(reply, 200, windows.close(readWindowId(request.params.id), readAfter(request.query))),
  );
}

function readScope(body: unknown): WindowScope {
  if (body === undefined || body === null) return { maxDurationS: defaultDurationS };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw agentHttpError(422, 'the body must be a JSON object: {"flows"?: [ids], "run_id"?: id, "max_duration_s"?: seconds}');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !bodyKeys.has(key));
  if (unknown.length > 0) throw agentHttpError(422, `unknown field(s): ${unknown.slice(0, 5).map(clip).join(', ')} (known: ${[...bodyKeys].join(', ')})`);
  const scope: WindowScope = { maxDurationS: defaultDurationS };
  if (fields.flows !== undefined) {
    const flows = fields.flows;
    if (!Array.isArray(flows) || flows.length > maxFlowIds || !flows.every((id) => typeof id === 'string' && idPattern.test(id))) {
      throw agentHttpError(422, `flows must be a list of at most ${maxFlowIds} flow ids`);
    }
    scope.flowIds = [...new Set(flows as string[])];
  }
  if (fields.run_id !== undefined) {
    if (typeof fields.run_id !== 'string') throw agentHttpError(422, 'run_id must be a string');
    const runId = parseRunId(fields.run_id, 'run_id');
    if (runId !== undefined) scope.runId = runId;
  }
  if (fields.max_duration_s !== undefined) {
    const seconds = fields.max_duration_s;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WINDOW_DURATION_S) {
      throw agentHttpError(422, `max_duration_s must be a whole number of seconds from 1 to ${MAX_WINDOW_DURATION_S}`);
    }
    scope.maxDurationS = seconds;
  }
  return scope;
}

function readWindowId(raw: string): string {
  // A malformed id cannot name a window: the same 404 as an unknown one, without echoing it.
  if (!idPattern.test(raw)) throw agentHttpError(404, 'metrics window not found');
  return raw;
}

function readAfter(query: Record<string, unknown>): number {
  const unknown = Object.keys(query).filter((key) => key !== 'after');
  if (unknown.length > 0) throw agentHttpError(422, `unknown query parameter(s): ${unknown.slice(0, 5).map(clip).join(', ')} (known: after)`);
  const raw = query.after;
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw agentHttpError(422, 'after must be a sample number (a whole number ≥ 0)');
  return Number(raw);
}

function clip(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(safe.length > 40 ? `${safe.slice(0, 39)}…` : safe);
}
