import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import { encodePostRequest } from '../../src/gateway/post-request-encoding.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { runBareClient, type BareRun } from './bare-grpc-client.ts';
import { loadFactories } from './bench-load-factories.ts';

// Generator efficiency: our whole pipeline (input → encode → send → decode → record) against
// a bare grpc-js client streaming the same pre-encoded bytes, both at the same concurrency,
// against one echo server in another process, alternating in the same run. `--connections`:
// `own` (default, as the client does by default: one HTTP/2 connection per client) or
// `shared` (all clients' streams on one connection), for both sides alike.
// Usage: npx tsx bench/load/generator-efficiency.ts [--seconds 5] [--rounds 3] [--sizes 1,100] [--streams 16] [--connections own|shared]

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    sizes: { type: 'string', default: '1,100' },
    streams: { type: 'string', default: '16' },
    connections: { type: 'string', default: 'own' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const streams = Number(values.streams);
const sizes = values.sizes.split(',').map(Number);
if (values.connections !== 'own' && values.connections !== 'shared') throw new Error('--connections is own or shared');
const sharedConnection = values.connections === 'shared';
process.env.BENCH_GRPC_CONNECTIONS = values.connections;

const echo = spawn(process.execPath, ['--import', 'tsx', new URL('./echo-server.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => {
  createInterface({ input: echo.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
});

const params = (requestSize: number): LoadStepParams => ({
  client: 'grpc',
  numClients: streams,
  requestSize,
  executionTimeS: seconds,
  endpoint: '/index',
  parameters: {},
  inputs: { method: 'bench_texts', kwargs: { num_docs: 1000 } },
  prefetch: 1,
  grpcMode: 'stream',
  websocketFraming: 'bytes',
  requestTimeoutMs: 10_000,
  thresholds: {},
  maxViolations: 0,
  abortOnFail: false,
  workers: 0,
});

async function runPipeline(requestSize: number): Promise<BareRun> {
  const report = await runLoad({
    params: params(requestSize),
    target: { host: '127.0.0.1', port, protocol: 'grpc', docarray: 'v1' },
    job: 'bench',
    step: `request_size ${requestSize}`,
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    factoriesModule: new URL('./bench-load-factories.ts', import.meta.url),
  });
  if (report.errors.total > 0) throw new Error(`pipeline saw ${report.errors.total} errors`);
  return { messages: report.requests, seconds: report.wallTimeS, cpuMs: report.generatorCpuMs };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: string[] = [];
try {
  for (const size of sizes) {
    const input = await loadFactories.createInput({ method: 'bench_texts', kwargs: { num_docs: 1000 } }, { baseDir: '', helpersDir: '', clientIndex: 0 });
    const payload = encodePostRequest({ endpoint: '/index', docs: input.take(size) }, 'f'.repeat(32), 'v1');
    const bare: BareRun[] = [];
    const ours: BareRun[] = [];
    await runBareClient(port, payload, streams, 1000, sharedConnection); // warm-up, both sides
    await runPipeline(size).catch(() => undefined);
    for (let round = 0; round < rounds; round++) {
      bare.push(await runBareClient(port, payload, streams, seconds * 1000, sharedConnection));
      ours.push(await runPipeline(size));
    }
    const rate = (run: BareRun): number => run.messages / run.seconds;
    const cpuUs = (run: BareRun): number => (run.cpuMs * 1000) / run.messages;
    const bareRate = median(bare.map(rate));
    const ourRate = median(ours.map(rate));
    rows.push(
      `| ${size} | ${streams} | ${bareRate.toFixed(0)} | ${ourRate.toFixed(0)} | ${((ourRate / bareRate) * 100).toFixed(0)}% | ${median(bare.map(cpuUs)).toFixed(1)} | ${median(ours.map(cpuUs)).toFixed(1)} |`,
    );
    console.error(`request_size ${size}: bare ${bare.map(rate).map((r) => r.toFixed(0)).join(' ')} · ours ${ours.map(rate).map((r) => r.toFixed(0)).join(' ')} msg/s`);
  }
} finally {
  echo.kill('SIGTERM');
}
console.log(`| request_size | streams | bare grpc-js msg/s | pipeline msg/s | ratio | bare CPU µs/msg | pipeline CPU µs/msg |`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|`);
for (const row of rows) console.log(row);
console.log(`\n(${values.connections} connections; median of ${rounds} alternating rounds of ${seconds} s each; CPU is this process's user+system per message)`);
