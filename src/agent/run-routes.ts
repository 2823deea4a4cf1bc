import type { FastifyInstance } from 'fastify';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentState } from './agent-state.ts';
import { findRunResources, removeRun } from './remove-run.ts';
import { requireRunId } from './run-id.ts';
import { MAX_LEASE_TTL_S } from './run-leases.ts';
import { sendJson } from './send-json.ts';

/**
 * Runs: everything created with one `run_id`. A run renews a lease while it is alive; when it
 * stops renewing, the agent removes what the run left (see RunLeases). Not part of JinaD.
 */
export function registerRunRoutes(app: FastifyInstance, state: AgentState): void {
  app.put<{ Params: { runId: string }; Body: unknown }>('/runs/:runId/lease', async (request, reply) => {
    const runId = requireRunId(request.params.runId, 'run id');
    const ttlS = readTtl(request.body);
    const lease = state.leases.renew(runId, ttlS);
    return sendJson(reply, 200, { run_id: runId, expires_at: lease.expiresAt.toISOString() });
  });

  app.get<{ Params: { runId: string } }>('/runs/:runId', async (request, reply) => {
    const runId = requireRunId(request.params.runId, 'run id');
    const lease = state.leases.get(runId);
    const held = findRunResources(state, runId);
    return sendJson(reply, 200, {
      run_id: runId,
      lease: lease ? { ttl_s: lease.ttlS, expires_at: lease.expiresAt.toISOString() } : null,
      flows: held.flows,
      workspaces: held.workspaces,
    });
  });

  app.delete<{ Params: { runId: string } }>('/runs/:runId', async (request, reply) => {
    const runId = requireRunId(request.params.runId, 'run id');
    const removed = await removeRun(state, runId, `run ${runId} deleted`);
    return sendJson(reply, 200, removed);
  });
}

function readTtl(body: unknown): number {
  const ttl = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).ttl_s : undefined;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 1 || ttl > MAX_LEASE_TTL_S) {
    throw agentHttpError(422, `ttl_s must be a number of seconds from 1 to ${MAX_LEASE_TTL_S}`, {
      hint: 'send a JSON body such as {"ttl_s": 60}, and renew well before it runs out',
    });
  }
  return ttl;
}
