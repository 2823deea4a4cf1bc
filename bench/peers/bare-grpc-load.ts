import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../src/protocol/grpc-methods.ts';
import { LatencySamples, markWarmup, printRun, steadyPart, WARMUP_S, type WarmupMark } from './generator-run.ts';

// The bare grpc-js baseline of bench/peers, in its own process: `--clients` channels, each on
// its own HTTP/2 connection (as our clients are by default), one `/jina.JinaRPC/Call` stream
// each, re-sending the same request bytes as soon as the previous answer arrives (one in
// flight per stream, like our closed model with prefetch 1). No encoding, no decoding.
// Usage: npx tsx bench/peers/bare-grpc-load.ts --port P --payload FILE [--clients 16] [--seconds 5]

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    payload: { type: 'string' },
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
  },
});
const bytes = readFileSync(values.payload!);
const ownConnection = { ...jinaGrpcChannelOptions, 'grpc.use_local_subchannel_pool': 1 };
const identity = (buffer: Buffer): Buffer => buffer;
const clients = Array.from({ length: Number(values.clients) }, () => new grpc.Client(`127.0.0.1:${values.port}`, grpc.credentials.createInsecure(), ownConnection));
await Promise.all(clients.map((client) => new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())))));

const latencies = new LatencySamples();
let requests = 0;
let errors = 0;
const cpuBefore = process.cpuUsage();
const startedMs = performance.now();
const endAtMs = startedMs + Number(values.seconds) * 1000;
let warmup: WarmupMark | undefined;
const warmupTimer = setTimeout(() => (warmup = markWarmup(requests)), WARMUP_S * 1000);
await Promise.all(
  clients.map(
    (client) =>
      new Promise<void>((resolve) => {
        const call = client.makeBidiStreamRequest(jinaGrpcMethods.call, identity, identity);
        let sentAtMs = performance.now();
        call.on('data', () => {
          const now = performance.now();
          latencies.add(now - sentAtMs);
          requests++;
          if (now < endAtMs) {
            sentAtMs = now;
            call.write(bytes);
          } else call.end();
        });
        call.on('end', () => resolve());
        call.on('error', () => {
          errors++;
          resolve();
        });
        call.write(bytes);
      }),
  ),
);
const wallS = (performance.now() - startedMs) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const steady = steadyPart(warmup, requests, performance.now());
clearTimeout(warmupTimer);
for (const client of clients) client.close();
printRun({ requests, bytes: requests * bytes.length, errors, wallS, cpuS: (cpu.user + cpu.system) / 1e6, p50Ms: latencies.percentile(0.5), p99Ms: latencies.percentile(0.99), ...(steady ? { steady } : {}) });
