import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../../src/gateway/gateway-client.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';

/**
 * The HTTP client's post path writes requests and parses answers itself (HttpPostSocket), so
 * it is checked here against a raw TCP server that answers in every framing HTTP/1.1 allows:
 * what the client sent is read off the socket, what it reports comes from those bytes.
 */
const answerJson = JSON.stringify({
  header: { requestId: 'r1', status: null, execEndpoint: '/index', targetExecutor: '' },
  parameters: { __results__: {} },
  routes: [{ executor: 'gateway', startTime: '2024-01-01T00:00:00.000000+00:00', endTime: '2024-01-01T00:00:00.002000+00:00', status: null }],
  data: [{ id: 'a', text: 'one' }],
});

interface Scripted {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Raw request bytes, per connection. */
  received: string[];
  close(): Promise<void>;
}

/** What the server does for one request: writes 5 ms apart, then maybe ends or resets the connection; undefined: nothing. */
type Script = { writes: string[]; then?: 'end' | 'destroy' } | undefined;

/** Answers every complete request with `answer(connection index, request index on it)`. */
async function scriptedServer(answer: (connection: number, request: number) => Script): Promise<Scripted> {
  const sockets = new Set<net.Socket>();
  const state: Scripted = { port: 0, connections: 0, received: [], close: async () => undefined };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const index = state.connections++;
    state.received[index] = '';
    let served = 0;
    socket.on('data', (data) => {
      state.received[index] += data.toString('latin1');
      // Requests here are length-delimited: count complete ones by their bodies' lengths.
      const text = state.received[index]!;
      let complete = 0;
      let at = 0;
      for (;;) {
        const headEnd = text.indexOf('\r\n\r\n', at);
        if (headEnd < 0) break;
        const length = Number(/content-length: (\d+)/i.exec(text.slice(at, headEnd))?.[1] ?? 0);
        if (text.length < headEnd + 4 + length) break;
        at = headEnd + 4 + length;
        complete++;
      }
      for (; served < complete; served++) {
        const script = answer(index, served);
        if (!script) continue;
        script.writes.forEach((write, i) => setTimeout(() => socket.destroyed || socket.write(write), i * 5));
        setTimeout(() => {
          if (script.then === 'end') socket.end();
          if (script.then === 'destroy') socket.destroy();
        }, script.writes.length * 5 + 5);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

let server: Scripted | undefined;
let client: GatewayClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** A client connected to `server`; connect() sends `GET /` on its own node:http agent, answered like any request. */
async function connectedClient(options: { requestTimeoutMs?: number; prefetch?: number; decodeDocs?: boolean } = {}): Promise<GatewayClient> {
  client = createGatewayClient({ target: { host: '127.0.0.1', port: server!.port, protocol: 'http', docarray: 'v1' }, ...options });
  await client.connect();
  return client;
}

const lengthDelimited = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('HTTP client post path', () => {
  it('writes the request node:http wrote, keeps the connection alive, and reads a length-delimited answer split across packets', async () => {
    server = await scriptedServer(() => {
      const whole = lengthDelimited(answerJson);
      return { writes: [whole.slice(0, 20), whole.slice(20, 90), whole.slice(90)] };
    });
    await connectedClient();
    const first = await client!.post({ endpoint: '/index', docs: [{ id: 'a', text: 'one' }], requestId: 'r1' });
    const second = await client!.post({ endpoint: '/index', docs: [{ id: 'a', text: 'one' }], requestId: 'r1' });
    for (const result of [first, second]) {
      expect(result.status).toBe('ok');
      if (result.status !== 'ok') return;
      expect(result.response.docs).toEqual([{ id: 'a', text: 'one' }]);
      expect(result.response.routes[0]).toMatchObject({ executor: 'gateway', endUs: 1704067200002000 });
    }
    // connect()'s GET on the agent's connection, then both posts on one connection of the client's own.
    expect(server.connections).toBe(2);
    const body = '{"execEndpoint":"/index","data":[{"id":"a","text":"one"}],"parameters":{"__results__":{}}}';
    const post =
      `POST /post HTTP/1.1\r\naccept: application/json\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n` +
      `Host: 127.0.0.1:${server.port}\r\nConnection: keep-alive\r\n\r\n${body}`;
    expect(server.received[1]).toBe(post + post);
  });

  it('reads a chunked answer after an interim 100 Continue, and leaves documents unconverted with decodeDocs: false', async () => {
    server = await scriptedServer(() => {
      const half = Math.floor(answerJson.length / 2);
      const chunk = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
      return { writes: ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n', chunk(answerJson.slice(0, half)), `${chunk(answerJson.slice(half))}0\r\n\r\n`] };
    });
    await connectedClient({ decodeDocs: false });
    const result = await client!.post({ endpoint: '/index', docs: [{ id: 'a' }], requestId: 'r1' });
    expect(result).toMatchObject({ status: 'ok', response: { docs: [], parameters: { __results__: {} }, header: { requestId: 'r1', execEndpoint: '/index' } } });
  });

  it('opens a new connection after an answer with Connection: close, and reads an answer delimited by the end of the connection', async () => {
    server = await scriptedServer(() => ({ writes: [`HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n${answerJson}`], then: 'end' }));
    await connectedClient();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await client!.post({ endpoint: '/index', docs: [], requestId: 'r1' }));
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok']);
    expect(server.connections).toBe(4); // connect()'s, then one per post
  });

  it('times out an unanswered post, drops its connection, and the next post goes through on a fresh one', async () => {
    // Connection 1 (the first post's) never answers.
    server = await scriptedServer((connection) => (connection === 1 ? undefined : { writes: [lengthDelimited(answerJson)] }));
    await connectedClient({ requestTimeoutMs: 150 });
    const timedOut = await client!.post({ endpoint: '/index', docs: [], requestId: 'r1' });
    expect(timedOut).toMatchObject({ status: 'timeout', timeoutMs: 150 });
    expect(timedOut.roundTripMs).toBeGreaterThanOrEqual(140);
    const next = await client!.post({ endpoint: '/index', docs: [], requestId: 'r1' });
    expect(next.status).toBe('ok');
    expect(server.connections).toBe(3);
  });

  it('reports a malformed answer as connection-error and a connection reset mid-answer as ECONNRESET', async () => {
    server = await scriptedServer((connection) => {
      if (connection === 0) return { writes: [lengthDelimited('{}')] };
      if (connection === 1) return { writes: ['HTTP/1.1 2x0 What\r\n\r\n'] };
      return { writes: ['HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"header":'], then: 'destroy' };
    });
    await connectedClient();
    const malformed = await client!.post({ endpoint: '/index', docs: [], requestId: 'r1' });
    expect(malformed).toMatchObject({ status: 'connection-error', code: 'HPE_INVALID' });
    const reset = await client!.post({ endpoint: '/index', docs: [], requestId: 'r1' });
    expect(reset).toMatchObject({ status: 'connection-error', code: 'ECONNRESET' });
  });
});
