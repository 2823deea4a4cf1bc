import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';

/** What the proxy does with the next request instead of forwarding it. */
export type InjectedFailure = number | 'reset' | 'hang';

export interface FlakyProxy {
  url: string;
  port: number;
  /** Every request that reached the proxy, in order. */
  requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/**
 * A real HTTP server in front of the agent that counts requests and fails the first ones as
 * told (a status with a `detail`, a reset connection, no answer), then forwards the rest.
 * With no target it fails every request with `alwaysStatus`.
 */
export async function startFlakyProxy(options: {
  target?: string;
  failures?: InjectedFailure[];
  alwaysStatus?: number;
}): Promise<FlakyProxy> {
  const failures = [...(options.failures ?? [])];
  const requests: FlakyProxy['requests'] = [];
  const target = options.target ? new URL(options.target) : undefined;

  const handle = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    requests.push({ method: incoming.method ?? '', path: incoming.url ?? '', authorization: incoming.headers.authorization });
    const failure = failures.shift() ?? (target ? undefined : (options.alwaysStatus ?? 503));
    if (failure === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (failure === 'hang') return;
    if (typeof failure === 'number') {
      // Read the whole body first, as a real server would, so the client sees the answer.
      incoming.resume();
      incoming.once('end', () => {
        outgoing.writeHead(failure, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ detail: `injected ${failure}` }));
      });
      return;
    }
    const upstream = forward(
      { host: target?.hostname, port: target?.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.once('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
