import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { LatencySamples, markWarmup, printRun, steadyPart, WARMUP_S, type WarmupMark } from './generator-run.ts';

// The bare `ws` baseline of bench/peers, in its own process: `--clients` sockets to the
// gateway, `bytes` framing (the header Jina reads), each re-sending the same DataRequest bytes
// as soon as the previous answer arrives. No encoding, no decoding.
// Usage: npx tsx bench/peers/bare-websocket-load.ts --port P --payload FILE [--clients 16] [--seconds 5]

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    payload: { type: 'string' },
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
  },
});
const bytes = readFileSync(values.payload!);
const sockets = await Promise.all(
  Array.from(
    { length: Number(values.clients) },
    () =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${values.port}/`, { headers: { 'Sec-WebSocket-Protocol': 'bytes' }, perMessageDeflate: false, maxPayload: 0 });
        socket.binaryType = 'nodebuffer';
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
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
  sockets.map(
    (socket) =>
      new Promise<void>((resolve) => {
        let sentAtMs = performance.now();
        socket.on('message', () => {
          const now = performance.now();
          latencies.add(now - sentAtMs);
          requests++;
          if (now < endAtMs) {
            sentAtMs = now;
            socket.send(bytes);
          } else resolve();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => {
          errors++;
          resolve();
        });
        socket.send(bytes);
      }),
  ),
);
const wallS = (performance.now() - startedMs) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const steady = steadyPart(warmup, requests, performance.now());
clearTimeout(warmupTimer);
for (const socket of sockets) socket.terminate();
printRun({ requests, bytes: requests * bytes.length, errors, wallS, cpuS: (cpu.user + cpu.system) / 1e6, p50Ms: latencies.percentile(0.5), p99Ms: latencies.percentile(0.99), ...(steady ? { steady } : {}) });
