import { readFileSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import hpack from 'hpack.js';
import { LatencySamples, printRun } from './generator-run.ts';

// A bare gRPC unary client on a raw socket (HTTP/2 frames written by hand, HPACK decoded with
// hpack.js): the work of bare-http2-unary-load.ts without node:http2. It was the prototype that
// showed leaving node:http2 pays (docs/benchmarks.md, "Round 4"), and is now bench/peers' bound
// for ours (`unary-raw`). `--clients` connections, each sending `process_single_data` with the
// same framed request bytes as soon as the previous call ended, reading only `grpc-status`;
// one call at a time per connection, so no flow control beyond acknowledging received DATA.
// Usage: npx tsx bench/peers/bare-raw-h2-unary-load.ts --port P --payload FILE [--clients 16] [--seconds 5]

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    payload: { type: 'string' },
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
  },
});
const message = readFileSync(values.payload!);
const framed = Buffer.allocUnsafe(message.length + 5);
framed[0] = 0;
framed.writeUInt32BE(message.length, 1);
message.copy(framed, 5);

function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0, name.length]), Buffer.from(name), Buffer.from([value.length]), Buffer.from(value)]);
}
const block = Buffer.concat([
  literal(':method', 'POST'),
  literal(':scheme', 'http'),
  literal(':path', '/jina.JinaSingleDataRequestRPC/process_single_data'),
  literal(':authority', `127.0.0.1:${values.port}`),
  literal('content-type', 'application/grpc'),
  literal('te', 'trailers'),
]);
function frameHeader(length: number, type: number, flags: number, streamId: number): Buffer {
  const header = Buffer.allocUnsafe(9);
  header.writeUIntBE(length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return header;
}
const preface = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  frameHeader(12, 4, 0, 0),
  Buffer.from([0, 2, 0, 0, 0, 0, 0, 4, 0, 0x80, 0, 0]),
  frameHeader(4, 8, 0, 0),
  Buffer.from([0x01, 0xff, 0, 0]),
]);

class RawClient {
  private readonly socket: net.Socket;
  private nextId = 1;
  private pending: Buffer | undefined;
  private readonly decoder = hpack.decoder.create();
  private readonly table = hpack.table.create({ maxSize: 4096 });
  private received = 0;
  private status: string | undefined;
  private onDone: (() => void) | undefined;
  private readonly call = Buffer.concat([frameHeader(block.length, 1, 4, 0), block, frameHeader(framed.length, 0, 1, 0), framed]);

  constructor(readonly ready: (client: RawClient) => void) {
    this.socket = net.connect({ port: Number(values.port), host: '127.0.0.1', noDelay: true });
    this.socket.write(preface);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.once('connect', () => ready(this));
  }

  send(onDone: () => void): void {
    this.onDone = onDone;
    this.status = undefined;
    const id = this.nextId;
    this.nextId += 2;
    this.call.writeUInt32BE(id, 5);
    this.call.writeUInt32BE(id, 9 + block.length + 5);
    this.socket.write(this.call);
  }

  private read(chunk: Buffer): void {
    if (this.pending) chunk = Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (chunk.length - at >= 9) {
      const length = chunk.readUIntBE(at, 3);
      if (chunk.length - at < 9 + length) break;
      const type = chunk[at + 3]!;
      const flags = chunk[at + 4]!;
      const payload = chunk.subarray(at + 9, at + 9 + length);
      at += 9 + length;
      if (type === 4 && !(flags & 1)) this.socket.write(frameHeader(0, 4, 1, 0));
      else if (type === 6 && !(flags & 1)) this.socket.write(Buffer.concat([frameHeader(8, 6, 1, 0), payload]));
      else if (type === 0) {
        this.received += length;
        if (this.received > 1 << 20) {
          this.socket.write(Buffer.concat([frameHeader(4, 8, 0, 0), Buffer.from([0, 0x10, 0, 0])]));
          this.received = 0;
        }
        if (flags & 1) this.done();
      } else if (type === 1) {
        this.headers(payload);
        if (flags & 1) this.done();
      } else if (type === 3) this.done();
    }
    this.pending = at < chunk.length ? chunk.subarray(at) : undefined;
  }

  private headers(block: Buffer): void {
    const decoder = this.decoder;
    decoder.push(block);
    while (!decoder.isEmpty()) {
      if (decoder.decodeBit()) {
        const entry = this.table.lookup(decoder.decodeInt());
        if (entry.name === 'grpc-status') this.status = entry.value;
        continue;
      }
      const incremental = decoder.decodeBit();
      if (!incremental && decoder.decodeBit()) {
        this.table.updateSize(decoder.decodeInt());
        continue;
      }
      if (!incremental) decoder.decodeBit();
      const index = decoder.decodeInt();
      const nameBytes = index === 0 ? decoder.decodeStr() : undefined;
      const entry = index === 0 ? undefined : this.table.lookup(index);
      const name = nameBytes ? hpack.utils.stringify(nameBytes) : entry!.name;
      const valueBytes = decoder.decodeStr();
      const value = hpack.utils.stringify(valueBytes);
      if (incremental) this.table.add(name, value, nameBytes ? nameBytes.length : entry!.nameSize, valueBytes.length);
      if (name === 'grpc-status') this.status = value;
    }
  }

  private done(): void {
    const onDone = this.onDone;
    this.onDone = undefined;
    onDone?.();
  }

  get ok(): boolean {
    return this.status === '0';
  }

  close(): void {
    this.socket.destroy();
  }
}

const clients = await Promise.all(Array.from({ length: Number(values.clients) }, () => new Promise<RawClient>((resolve) => new RawClient(resolve))));
const latencies = new LatencySamples();
let requests = 0;
let errors = 0;
const cpuBefore = process.cpuUsage();
const startedMs = performance.now();
const endAtMs = startedMs + Number(values.seconds) * 1000;
await Promise.all(
  clients.map(
    (client) =>
      new Promise<void>((resolve) => {
        const call = (): void => {
          const sentAtMs = performance.now();
          client.send(() => {
            const now = performance.now();
            latencies.add(now - sentAtMs);
            if (client.ok) requests++;
            else errors++;
            if (now < endAtMs) call();
            else resolve();
          });
        };
        call();
      }),
  ),
);
const wallS = (performance.now() - startedMs) / 1000;
const cpu = process.cpuUsage(cpuBefore);
for (const client of clients) client.close();
printRun({ requests, bytes: requests * message.length, errors, wallS, cpuS: (cpu.user + cpu.system) / 1e6, p50Ms: latencies.percentile(0.5), p99Ms: latencies.percentile(0.99) });
