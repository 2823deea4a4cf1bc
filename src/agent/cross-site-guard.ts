import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The header our daemon client sends with every request (see create-daemon-client). */
export const CROSS_SITE_GUARD_HEADER = 'x-jina-stress';

/**
 * Content types a web page may POST to any site without asking first (a CORS "simple"
 * request): an HTML form (urlencoded, multipart) or text/plain; no type counts too.
 */
const simpleContentTypes = new Set(['', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

export interface CrossSiteGuardOptions {
  hasToken: boolean;
  /** Host header names accepted without a token besides loopback names and IP addresses. */
  hostNames: readonly string[];
}

/**
 * Refuses requests a web browser sends on behalf of a page that is not the agent's (which
 * has no pages): the agent runs on machines where people browse, and its API starts
 * processes. With 403 and a reason, before the token is even looked at:
 *
 * - any request whose `Origin` is not the agent itself, or whose `Sec-Fetch-Site` says another site;
 * - without a token: a `Host` that is not an IP address, a loopback name, the agent's own
 *   names or one allowed with `--allow-host` (DNS rebinding: a page of evil.example whose
 *   name now resolves to 127.0.0.1 sends `Host: evil.example`);
 * - without a token: a POST with a form or text content type and no `X-Jina-Stress` header.
 *   A page can send such a POST blind to any address; it cannot add a header without a CORS
 *   preflight, which the agent never answers. Other methods (PUT, DELETE) and JSON bodies
 *   always need a preflight, so they pass.
 *
 * With a token a browser cannot send an authorised request at all (Authorization needs a
 * preflight), so the Host check would only get in the way of clients using DNS names.
 */
export function refuseCrossSiteRequests(app: FastifyInstance, options: CrossSiteGuardOptions): void {
  const allowedNames = new Set(['localhost', hostname().toLowerCase(), ...options.hostNames.map((name) => name.toLowerCase())]);
  app.addHook('onRequest', async (request, reply) => {
    const site = header(request, 'sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') {
      return refuse(reply, `cross-site request refused (Sec-Fetch-Site: ${site}): the agent serves programs, not web pages`);
    }
    const origin = header(request, 'origin');
    if (origin !== undefined && !isOwnOrigin(origin, header(request, 'host'))) {
      return refuse(reply, `cross-origin request refused (Origin ${clip(origin)}): the agent serves programs, not web pages`);
    }
    if (options.hasToken) return;
    const host = header(request, 'host');
    if (host !== undefined && !isAllowedHost(host, allowedNames)) {
      return refuse(reply, `Host ${clip(host)} is not a name of this agent`, 'use its IP address or localhost, or start the agent with --allow-host NAME (or with a token)');
    }
    if (request.method === 'POST' && isSimpleContentType(header(request, 'content-type')) && header(request, CROSS_SITE_GUARD_HEADER) === undefined) {
      return refuse(
        reply,
        `form posts need the ${CROSS_SITE_GUARD_HEADER} header when the agent has no token (a web page cannot send it)`,
        'send "X-Jina-Stress: 1" (jina-stress clients do), or run the agent with a token and send it',
      );
    }
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function refuse(reply: FastifyReply, detail: string, hint?: string): FastifyReply {
  return reply.code(403).send({ detail: hint ? `${detail} (hint: ${hint})` : detail });
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  return host !== undefined && origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

function isSimpleContentType(contentType: string | undefined): boolean {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return simpleContentTypes.has(essence);
}

/** IP literals cannot be rebound to another address; names can, unless they are ours. */
function isAllowedHost(host: string, allowedNames: ReadonlySet<string>): boolean {
  const name = hostWithoutPort(host).toLowerCase();
  if (isIP(name) !== 0) return true;
  return allowedNames.has(name.replace(/\.$/, ''));
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') === -1 ? undefined : host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function clip(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
