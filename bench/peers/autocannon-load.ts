import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { printRun } from './generator-run.ts';

// autocannon as a user would run it against a gateway's HTTP `/post` (`autocannon -c N -d S
// -m POST -H content-type=application/json -b @body`), through its own API in a process of its
// own so that its CPU over the run — and only the run, not Node's start-up — is measured the
// same way as ours (`process.cpuUsage`). One request in flight per connection (no pipelining),
// as our HTTP client keeps.
// Usage: npx tsx bench/peers/autocannon-load.ts --port P --body FILE [--path /post] [--clients 16] [--seconds 5]

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
const cpuBefore = process.cpuUsage();
const startedMs = performance.now();
const result = await autocannon({
  url: `http://127.0.0.1:${values.port}${values.path}`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
  connections: Number(values.clients),
  pipelining: 1,
  duration: Number(values.seconds),
});
const wallS = (performance.now() - startedMs) / 1000;
const cpu = process.cpuUsage(cpuBefore);
printRun({
  requests: result.requests.total,
  bytes: result.requests.total * body.length,
  errors: result.errors + result.non2xx + result.timeouts,
  wallS,
  cpuS: (cpu.user + cpu.system) / 1e6,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
});
