import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { markWarmup, printRun, steadyPart, WARMUP_S, type WarmupMark } from './generator-run.ts';

// autocannon as a user would run it against a gateway's HTTP `/post` (`autocannon -c N -d S
// -m POST -H content-type=application/json -b @body`), through its own API in a process of its
// own so that its CPU over the run — and only the run, not Node's start-up — is measured the
// same way as ours (`process.cpuUsage`). One request in flight per connection (no pipelining),
// as our HTTP client keeps.
// Usage: npx tsx bench/peers/autocannon-load.ts --port P --body FILE [--path /post] [--clients 16] [--seconds 5] [--rate R]

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    body: { type: 'string' },
    path: { type: 'string', default: '/post' },
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
    /** Requests per second over all connections (autocannon's `overallRate`), as our-load.ts --rate. */
    rate: { type: 'string' },
  },
});
const body = readFileSync(values.body!);
const cpuBefore = process.cpuUsage();
const startedMs = performance.now();
// Its own once-a-second tick carries the requests completed so far in that second: the first
// one marks the end of the warm-up (WARMUP_S), as a timer does in the other generators.
let warmup: WarmupMark | undefined;
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const options = {
    url: `http://127.0.0.1:${values.port}${values.path}`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body,
    connections: Number(values.clients),
    pipelining: 1,
    duration: Number(values.seconds),
    ...(values.rate ? { overallRate: Number(values.rate) } : {}),
  };
  const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
  // autocannon passes {counter, bytes} to its tick listeners; its type declares none.
  (instance as unknown as NodeJS.EventEmitter).on('tick', ({ counter }: { counter: number }) => {
    if (warmup === undefined && performance.now() - startedMs >= WARMUP_S * 1000 - 50) warmup = markWarmup(counter);
  });
});
const wallS = (performance.now() - startedMs) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const steady = steadyPart(warmup, result.requests.total, performance.now());
printRun({
  requests: result.requests.total,
  bytes: result.requests.total * body.length,
  errors: result.errors + result.non2xx + result.timeouts,
  wallS,
  cpuS: (cpu.user + cpu.system) / 1e6,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  ...(steady ? { steady } : {}),
});
