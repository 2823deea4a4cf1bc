import type { FastifyReply } from 'fastify';

/**
 * Sends `value` as JSON text. Fastify would send a bare string as text/plain and `null` as
 * an empty body, but JinaD clients expect `"<id>"` and `null` as JSON.
 */
export function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(value));
}
