import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { parseArgs } from 'node:util';
import { LatencySamples, markWarmup, printRun, steadyPart, WARMUP_S, type WarmupMark } from './generator-run.ts';

// A bare gRPC unary client on node:http2 (bench/peers' bound for any Node gRPC unary client,
// ours included): `--clients` HTTP/2 connections, each sending `process_single_data` with the
// same framed request bytes as soon as the previous call closed. It reads the answer's
// status from the trailers and nothing else: no decoding, no promise, no timer.
// Usage: npx tsx bench/peers/bare-http2-unary-load.ts --port P --payload FILE [--clients 16] [--seconds 5]

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
const headers = { ':method': 'POST', ':path': '/jina.JinaSingleDataRequestRPC/process_single_data', 'content-type': 'application/grpc', te: 'trailers' };
const sessions = await Promise.all(
  Array.from(
    { length: Number(values.clients) },
    () =>
      new Promise<http2.ClientHttp2Session>((resolve, reject) => {
        const session = http2.connect(`http://127.0.0.1:${values.port}`);
        session.once('connect', () => resolve(session));
        session.once('error', reject);
      }),
  ),
);
const latencies = new LatencySamples();
let requests = 0;
let errors = 0;
const cpuBefore = process.cpuUsage();
const startedMs = performance.now();
const endAtMs = startedMs + Number(values.seconds) * 1000;
let warmup: WarmupMark | undefined;
const warmupTimer = setTimeout(() => (warmup = markWarmup(requests)), WARMUP_S * 1000);
await Promise.all(
  sessions.map(
    (session) =>
      new Promise<void>((resolve) => {
        const call = (): void => {
          const sentAtMs = performance.now();
          let status: string | undefined;
          const stream = session.request(headers, { endStream: false });
          stream.on('data', () => undefined);
          stream.on('trailers', (trailers) => (status = trailers['grpc-status'] as string | undefined));
          stream.on('error', () => undefined);
          stream.on('close', () => {
            const now = performance.now();
            latencies.add(now - sentAtMs);
            if (status === '0') requests++;
            else errors++;
            if (now < endAtMs) call();
            else resolve();
          });
          stream.end(framed);
        };
        call();
      }),
  ),
);
const wallS = (performance.now() - startedMs) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const steady = steadyPart(warmup, requests, performance.now());
clearTimeout(warmupTimer);
for (const session of sessions) session.destroy();
printRun({ requests, bytes: requests * message.length, errors, wallS, cpuS: (cpu.user + cpu.system) / 1e6, p50Ms: latencies.percentile(0.5), p99Ms: latencies.percentile(0.99), ...(steady ? { steady } : {}) });
