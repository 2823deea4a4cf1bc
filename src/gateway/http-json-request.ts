import http from 'node:http';
import https from 'node:https';

export interface HttpJsonRequest {
  agent?: http.Agent;
  tls?: boolean;
  host: string;
  port: number;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Serialized JSON body. */
  body?: string;
  timeoutMs?: number;
}

export interface HttpJsonResponse {
  statusCode: number;
  body: string;
}

/** Rejection reason when `timeoutMs` elapses; the socket is destroyed. */
export class HttpTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/**
 * One HTTP exchange with a JSON body, on node:http (keep-alive agents, no extra dependency).
 * Rejects with the socket error (with its `code`: ECONNREFUSED, ECONNRESET, ...) or an
 * HttpTimeoutError; any HTTP status resolves.
 */
export function requestJson(request: HttpJsonRequest): Promise<HttpJsonResponse> {
  const transport = request.tls ? https : http;
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(request.body);
    }
    const outgoing = transport.request(
      { host: request.host, port: request.port, method: request.method, path: request.path, headers, agent: request.agent },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          clearTimeout(timer);
          resolve({ statusCode: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        incoming.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer =
      request.timeoutMs === undefined
        ? undefined
        : setTimeout(() => outgoing.destroy(new HttpTimeoutError(request.timeoutMs as number)), request.timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });
}
