import { parseArgs } from 'node:util';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import type { GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import { runLoad } from '../../src/load/run-load.ts';

// Our side of bench/vs-jina-client, in a process of its own so its CPU is ours alone: the
// load engine (src/load runLoad, closed model, default factories: the real client, the
// `jsonl` input, documents pre-encoded once) against the Flow's gateway. Prints one JSON line.
// Usage: npx tsx bench/vs-jina-client/our-client-load.ts --port P --docs F [--protocol grpc]
//        [--docarray v2] [--clients 4] [--request-size 100] [--seconds 5] [--check]

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    protocol: { type: 'string', default: 'grpc' },
    docarray: { type: 'string', default: 'v2' },
    docs: { type: 'string' },
    clients: { type: 'string', default: '4' },
    'request-size': { type: 'string', default: '100' },
    prefetch: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '5' },
    /** Run validate_texts on every response: the documents are decoded and checked. */
    check: { type: 'boolean', default: false },
  },
});
if (!values.port || !values.docs) throw new Error('--port and --docs are required');

const params: LoadStepParams = {
  client: values.protocol as GatewayProtocol,
  numClients: Number(values.clients),
  requestSize: Number(values['request-size']),
  executionTimeS: Number(values.seconds),
  endpoint: '/index',
  parameters: {},
  inputs: { method: 'jsonl', kwargs: { file: values.docs } },
  // Without a check nothing reads the returned documents and the client leaves them undecoded.
  ...(values.check ? { onAlways: { method: 'validate_texts', kwargs: { embedding_dim: 16 } } } : {}),
  prefetch: Number(values.prefetch),
  grpcMode: 'stream',
  websocketFraming: 'bytes',
  requestTimeoutMs: 30_000,
  thresholds: {},
  maxViolations: 0,
  abortOnFail: false,
};

// grpc-js holds no ref'd handle while a channel connects, so without this the process would
// exit mid-connect with the top-level await unsettled (exit code 13); Vitest runs never notice.
const keepAlive = setInterval(() => {}, 60_000);
const report = await runLoad({
  params,
  target: { host: values.host, port: Number(values.port), protocol: params.client, docarray: values.docarray as 'v1' | 'v2' },
  job: 'vs-jina-client',
  step: 'ours',
  method: 'index',
  context: { baseDir: process.cwd(), helpersDir: process.cwd() },
});
clearInterval(keepAlive);
console.log(
  JSON.stringify({
    requests: report.requests,
    docs: report.docs,
    errors: report.errors.total,
    wallS: report.wallTimeS,
    cpuS: report.generatorCpuMs / 1000,
    workers: report.workers ?? 0,
    p50Ms: report.latency.p50Ms,
    p99Ms: report.latency.p99Ms,
    violations: report.violations.count,
  }),
);
