import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { LatencySamples, markWarmup, printRun, steadyPart, WARMUP_S, type WarmupMark } from './generator-run.ts';

// A bare node:http client (bench/peers' bound for any Node HTTP/1.1 client built on
// node:http, as ours is): `--clients` keep-alive sockets, each re-posting the same JSON body
// as soon as the previous answer has been read. No encoding, no parsing of the answer.
// Usage: npx tsx bench/peers/bare-http-load.ts --port P --body FILE [--path /post] [--clients 16] [--seconds 5]

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    body: { type: 'string' },
    path: { type: 'string', default: '/post' },
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
  },
});
const body = readFileSync(values.body!);
const clients = Number(values.clients);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const options: http.RequestOptions = {
  host: '127.0.0.1',
  port: Number(values.port),
  method: 'POST',
  path: values.path,
  agent,
  headers: { 'content-type': 'application/json', 'content-length': body.length },
};
const latencies = new LatencySamples();
let requests = 0;
let errors = 0;
const cpuBefore = process.cpuUsage();
const startedMs = performance.now();
const endAtMs = startedMs + Number(values.seconds) * 1000;
let warmup: WarmupMark | undefined;
const warmupTimer = setTimeout(() => (warmup = markWarmup(requests)), WARMUP_S * 1000);
await Promise.all(
  Array.from(
    { length: clients },
    () =>
      new Promise<void>((resolve) => {
        const send = (): void => {
          const sentAtMs = performance.now();
          const request = http.request(options, (response) => {
            response.on('data', () => undefined);
            response.on('end', () => {
              const now = performance.now();
              latencies.add(now - sentAtMs);
              if (response.statusCode === 200) requests++;
              else errors++;
              if (now < endAtMs) send();
              else resolve();
            });
          });
          request.on('error', () => {
            errors++;
            resolve();
          });
          request.end(body);
        };
        send();
      }),
  ),
);
const wallS = (performance.now() - startedMs) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const steady = steadyPart(warmup, requests, performance.now());
clearTimeout(warmupTimer);
agent.destroy();
printRun({ requests, bytes: requests * body.length, errors, wallS, cpuS: (cpu.user + cpu.system) / 1e6, p50Ms: latencies.percentile(0.5), p99Ms: latencies.percentile(0.99), ...(steady ? { steady } : {}) });
