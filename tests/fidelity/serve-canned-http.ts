import http from 'node:http';

/**
 * A loopback HTTP server that replays one captured Jina answer to every POST (and `{}` to
 * `GET /`, which the client's connect() probes): the client reads real Jina bytes.
 */
export async function serveCannedHttp(status: number, contentType: string, body: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const isProbe = request.method === 'GET';
      const text = isProbe ? '{}' : body;
      response.writeHead(isProbe ? 200 : status, { 'content-type': isProbe ? 'application/json' : contentType, 'content-length': Buffer.byteLength(text) });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
