import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Requires `Authorization: Bearer <token>` on every route. Compares digests in constant
 * time so the answer's timing says nothing about the token; the header is never logged.
 */
export function requireBearerToken(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  app.addHook('onRequest', async (request, reply) => {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (match && timingSafeEqual(digest((match[1] as string).trim()), expected)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ detail: match ? 'invalid bearer token' : 'not authenticated: send Authorization: Bearer <token>' });
  });
}
