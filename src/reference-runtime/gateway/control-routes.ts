import type http from 'node:http';
import { statusToJson } from '../../protocol/data-request-json.ts';
import type { GatewayHandler } from './gateway-handler.ts';

/**
 * The plain-HTTP routes Jina serves next to the data plane on HTTP and WebSocket gateways:
 * `GET /` → `{}` (health), `GET /status` → `{jina, envs}`, `GET /dry_run` → StatusProto JSON.
 * Returns false when the request is not one of them.
 */
export async function serveControlRoute(request: http.IncomingMessage, response: http.ServerResponse, handler: GatewayHandler): Promise<boolean> {
  if (request.method !== 'GET') return false;
  const path = (request.url ?? '/').split('?')[0];
  switch (path) {
    case '/':
      sendJson(response, 200, {});
      return true;
    case '/status':
      sendJson(response, 200, handler.info());
      return true;
    case '/dry_run':
      sendJson(response, 200, statusToJson(await handler.dryRun()));
      return true;
    default:
      return false;
  }
}

export function sendJson(response: http.ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Resolves with the bound port; 0 asks the OS for a free one. */
export function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
