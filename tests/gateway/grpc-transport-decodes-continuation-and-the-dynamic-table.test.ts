import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import { respond, startHttp2GrpcTestServer, type Http2GrpcTestServer } from './http2-grpc-test-server.ts';

// Header blocks as a real HTTP/2 server (node:http2's nghttp2) encodes them: split over
// CONTINUATION frames when larger than a frame, and HPACK-compressed with Huffman strings and
// a dynamic table that fills and evicts across answers. A relay between client and server
// records the frames the server sent, so the test knows those cases really happened.

let server: Http2GrpcTestServer | undefined;
let relay: Server | undefined;
const relayed: Socket[] = [];
afterEach(async () => {
  for (const socket of relayed.splice(0)) socket.destroy();
  if (relay) await new Promise((resolve) => relay!.close(resolve));
  relay = undefined;
  await server?.close();
  server = undefined;
});

interface SeenFrame {
  type: number;
  length: number;
}

/** A TCP relay to `port` that records the type and length of every frame the server sends. */
async function startRelay(port: number): Promise<{ port: number; fromServer: SeenFrame[] }> {
  const fromServer: SeenFrame[] = [];
  relay = createServer((socket) => {
    // No Nagle on the relay's own sockets: small frames pass at once, as they would directly.
    const upstream = createConnection({ port, host: '127.0.0.1', noDelay: true });
    socket.setNoDelay(true);
    relayed.push(socket, upstream);
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
        const length = pending.readUIntBE(0, 3);
        fromServer.push({ type: pending[3]!, length });
        pending = pending.subarray(9 + length);
      }
      socket.write(chunk);
    });
    socket.pipe(upstream);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => relay!.listen(0, '127.0.0.1', resolve));
  return { port: (relay.address() as AddressInfo).port, fromServer };
}

const headersType = 0x1;
const continuationType = 0x9;

describe('header blocks from a real HTTP/2 server', () => {
  it('joins trailers split over CONTINUATION frames', async () => {
    const details = `executor failed: ${'the reason is long. '.repeat(2_000)}`;
    server = await startHttp2GrpcTestServer((call) => respond(call.stream, call.body.subarray(5), 2, details), {}, {});
    const seen = await startRelay(server.port);
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: seen.port, protocol: 'grpc', docarray: 'v1' }, grpcMode: 'unary' });
    await client.connect();
    const result = await client.post({ endpoint: '/index', docs: [{ id: 'a' }] });
    await client.close();

    expect(seen.fromServer.some((frame) => frame.type === continuationType)).toBe(true);
    expect(result).toMatchObject({ status: 'error-status', error: { name: 'grpc.UNKNOWN', description: details } });
  });

  it('keeps the dynamic table across many answers, through evictions', async () => {
    // Every answer's trailers repeat a field (indexed after the first) and carry a new
    // message (added to the table, evicting older ones: 200 × ~150 bytes against 4 KiB).
    let answered = 0;
    server = await startHttp2GrpcTestServer((call) => {
      answered++;
      respond(call.stream, call.body.subarray(5), 2, `failure ${answered} ${'x'.repeat(100)}`, { 'x-served-by': 'replica-7 of the test gateway' });
    });
    const seen = await startRelay(server.port);
    const client = createGrpcClient({ target: { host: '127.0.0.1', port: seen.port, protocol: 'grpc', docarray: 'v1' }, grpcMode: 'unary' });
    await client.connect();
    const descriptions: string[] = [];
    for (let i = 0; i < 200; i++) {
      const result = await client.post({ endpoint: '/index', docs: [{ id: `d${i}` }] });
      descriptions.push(result.status === 'error-status' ? result.error.description : result.status);
    }
    await client.close();

    expect(descriptions).toEqual(Array.from({ length: 200 }, (_, i) => `failure ${i + 1} ${'x'.repeat(100)}`));
    // The server's header blocks shrank after the first answer: it indexed what repeats.
    const blocks = seen.fromServer.filter((frame) => frame.type === headersType).map((frame) => frame.length);
    expect(blocks.length).toBe(400);
    expect(blocks.at(-1)!).toBeLessThan(blocks[1]!);
  });
});
