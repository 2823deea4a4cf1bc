import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentState } from './agent-state.ts';
import { requireRunId } from './run-id.ts';
import type { BarrierView } from './run-barriers.ts';
import { sendJson } from './send-json.ts';

/** Barrier names and notes: the run id's alphabet (no meaning to a shell, a path or a terminal). */
const idText = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ -');

/** Longest long poll: proxies and load balancers drop idle requests after a minute or so. */
export const MAX_BARRIER_WAIT_S = 60;
export const DEFAULT_BARRIER_LEAD_MS = 1000;

const arrivalBody = z.strictObject({
  party: z.number().int().min(1).max(0xffff),
  parties: z.number().int().min(1).max(0xffff),
  timeout_s: z.number().min(1).max(3600),
  wait_s: z.number().min(0).max(MAX_BARRIER_WAIT_S).default(0),
  lead_ms: z.number().int().min(0).max(60_000).default(DEFAULT_BARRIER_LEAD_MS),
  note: idText.optional(),
});

/**
 * `POST /runs/{id}/barriers/{name}`: a party arrives (idempotent) and, with `wait_s`, waits
 * for the barrier's next change; the answer is its state and, once it opened, one start time
 * for every party (`start_at`, and `starts_in_ms` from the moment of the answer, which a
 * generator whose clock differs from the agent's can still use). `GET` reads it without
 * arriving. Not part of JinaD: the generators of a distributed run meet here.
 */
export function registerBarrierRoutes(app: FastifyInstance, state: AgentState): void {
  app.post<{ Params: { runId: string; name: string }; Body: unknown }>('/runs/:runId/barriers/:name', async (request, reply) => {
    const runId = requireRunId(request.params.runId, 'run id');
    const name = readName(request.params.name);
    const body = readArrival(request.body);
    state.barriers.arrive(runId, name, {
      party: body.party,
      parties: body.parties,
      timeoutS: body.timeout_s,
      leadMs: body.lead_ms,
      ...(body.note !== undefined ? { note: body.note } : {}),
    });
    const gone = new AbortController();
    // The client hung up: stop waiting for it.
    reply.raw.once('close', () => gone.abort());
    await state.barriers.waitForChange(runId, name, body.wait_s * 1000, gone.signal);
    const view = state.barriers.get(runId, name);
    if (!view) throw agentHttpError(410, `barrier ${name} of run ${runId} was removed while waiting (the agent is shutting down)`);
    return sendJson(reply, 200, toJson(view));
  });

  app.get<{ Params: { runId: string; name: string } }>('/runs/:runId/barriers/:name', async (request, reply) => {
    const runId = requireRunId(request.params.runId, 'run id');
    const name = readName(request.params.name);
    const view = state.barriers.get(runId, name);
    if (!view) throw agentHttpError(404, `run ${runId} has no barrier ${name}`);
    return sendJson(reply, 200, toJson(view));
  });
}

function readName(raw: string): string {
  const parsed = idText.safeParse(raw);
  if (!parsed.success || raw === '.' || raw === '..') throw agentHttpError(422, 'barrier name is not valid (1-128 of A-Z a-z 0-9 . _ -)');
  return parsed.data;
}

function readArrival(body: unknown): z.output<typeof arrivalBody> {
  const parsed = arrivalBody.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
    throw agentHttpError(422, `not a barrier arrival: ${problems}`, {
      hint: 'send JSON such as {"party": 1, "parties": 3, "timeout_s": 300, "wait_s": 30}',
    });
  }
  if (parsed.data.party > parsed.data.parties) throw agentHttpError(422, `party ${parsed.data.party} is not one of 1..${parsed.data.parties}`);
  return parsed.data;
}

function toJson(view: BarrierView): Record<string, unknown> {
  const common = {
    run_id: view.runId,
    barrier: view.name,
    status: view.status,
    parties: view.parties,
    arrived: view.arrived,
    notes: view.notes,
    deadline: view.deadline.toISOString(),
  };
  if (view.status === 'waiting') return common;
  return {
    ...common,
    released_by: view.releasedBy,
    missing: view.missing,
    start_at: view.startAt.toISOString(),
    starts_in_ms: Math.max(0, view.startAt.getTime() - Date.now()),
  };
}
