import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runLoad } from '../../src/load/run-load.ts';

// Memory of a long max-rate phase: closed model, 16 clients, prefetch 4, in-process, against
// the echo server in another process. Prints RSS and heap every `--every` seconds and the
// difference between the RSS at `--early` and at the end (goal: ≤ 20 MB from 1 to 5 min).
// Usage: npx tsx bench/load/memory-flat.ts [--seconds 300] [--early 60] [--every 30]

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    early: { type: 'string', default: '60' },
    every: { type: 'string', default: '30' },
    size: { type: 'string', default: '1' },
  },
});
const seconds = Number(values.seconds);
const earlyS = Number(values.early);
const everyS = Number(values.every);

const echo = spawn(process.execPath, ['--import', 'tsx', new URL('./echo-server.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => {
  createInterface({ input: echo.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
});

const mb = (bytes: number): number => bytes / 1024 / 1024;
const samples: Array<{ second: number; rssMb: number; heapMb: number; requests: number }> = [];
let requests = 0;
const started = performance.now();
const timer = setInterval(() => {
  const memory = process.memoryUsage();
  samples.push({ second: Math.round((performance.now() - started) / 1000), rssMb: mb(memory.rss), heapMb: mb(memory.heapUsed), requests });
}, everyS * 1000);

try {
  const report = await runLoad({
    params: {
      client: 'grpc',
      numClients: 16,
      requestSize: Number(values.size),
      executionTimeS: seconds,
      endpoint: '/index',
      parameters: {},
      inputs: { method: 'bench_texts', kwargs: { num_docs: 1000 } },
      prefetch: 4,
      grpcMode: 'stream',
      websocketFraming: 'bytes',
      requestTimeoutMs: 10_000,
      thresholds: {},
      maxViolations: 0,
      abortOnFail: false,
      workers: 0,
    },
    target: { host: '127.0.0.1', port, protocol: 'grpc', docarray: 'v1' },
    job: 'bench',
    step: 'memory',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    factoriesModule: new URL('./bench-load-factories.ts', import.meta.url),
    tuning: { progressIntervalS: 1 },
    onProgress: (progress) => (requests = progress.requests),
  });
  clearInterval(timer);
  console.log('| second | requests | RSS MB | heap used MB |');
  console.log('|---:|---:|---:|---:|');
  for (const sample of samples) console.log(`| ${sample.second} | ${sample.requests} | ${sample.rssMb.toFixed(1)} | ${sample.heapMb.toFixed(1)} |`);
  const early = samples.find((sample) => sample.second >= earlyS);
  const late = samples.at(-1);
  if (early && late) {
    console.log(`\nRSS at ${late.second} s − RSS at ${early.second} s: ${(late.rssMb - early.rssMb).toFixed(1)} MB ` +
      `(${report.requests} requests, ${report.qps.toFixed(0)} req/s, ${report.errors.total} errors)`);
  }
} finally {
  clearInterval(timer);
  echo.kill('SIGTERM');
}
