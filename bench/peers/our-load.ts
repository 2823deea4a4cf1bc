import { parseArgs } from 'node:util';
import type { NamedCall } from '../../src/config/named-call.ts';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import type { GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { DocarrayVersion } from '../../src/protocol/document.ts';
import { markWarmup, printRun, WARMUP_S, type WarmupMark } from './generator-run.ts';

// Our side of bench/peers, in a process of its own: the load engine exactly as a load step
// runs it (closed model, the default factories: real client, built-in input, documents
// pre-encoded once, no check so responses' documents stay undecoded), on the calling thread
// (workers: 0) so the pinned core is the whole generator. CPU and p50/p99 are the LoadResult's.
// Usage: npx tsx bench/peers/our-load.ts --port P [--protocol grpc] [--grpc-mode stream] [--rate R]
//        [--docarray v1] [--clients 16] [--request-size 1] [--input random_texts] [--seconds 5] [--check validate_images]

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    protocol: { type: 'string', default: 'grpc' },
    'grpc-mode': { type: 'string', default: 'stream' },
    docarray: { type: 'string', default: 'v1' },
    clients: { type: 'string', default: '16' },
    'request-size': { type: 'string', default: '1' },
    input: { type: 'string', default: 'random_texts' },
    'num-docs': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    'request-bytes': { type: 'string', default: '0' },
    /** An on_always check by name (e.g. validate_images): responses' documents are then decoded. */
    check: { type: 'string' },
    /**
     * Requests per second (open model, at most one in flight per client, as autocannon's
     * `--rate` keeps its connections): both generators at the same rate, so neither's CPU
     * per request depends on how fast the target answered it.
     */
    rate: { type: 'string' },
  },
});

const inputs: NamedCall = { method: values.input, kwargs: { num_docs: Number(values['num-docs']) } };
const params: LoadStepParams = {
  client: values.protocol as GatewayProtocol,
  numClients: Number(values.clients),
  requestSize: Number(values['request-size']),
  executionTimeS: Number(values.seconds),
  endpoint: '/index',
  parameters: {},
  inputs,
  ...(values.check ? { onAlways: { method: values.check, kwargs: {} } } : {}),
  prefetch: 1,
  grpcMode: values['grpc-mode'] as 'stream' | 'unary',
  websocketFraming: 'bytes',
  requestTimeoutMs: 30_000,
  thresholds: {},
  maxViolations: 0,
  abortOnFail: false,
  workers: 0,
  ...(values.rate ? { arrival: { arrivalRate: Number(values.rate), durationS: Number(values.seconds), maxInFlight: Number(values.clients), allowLag: true } } : {}),
};
// The engine's progress after WARMUP_S merged seconds (requests completed by then) marks the
// end of the warm-up, as a timer does in the bare generators and autocannon's tick in its; its
// last progress (the last, partial second, handed on as the phase ends, before the clients
// close and the report is built) marks the end.
let warmup: WarmupMark | undefined;
let last: WarmupMark | undefined;
const report = await runLoad({
  tuning: { progressIntervalS: WARMUP_S },
  onProgress: (progress) => {
    if (warmup === undefined) warmup = markWarmup(progress.requests);
    else last = markWarmup(progress.requests);
  },
  params,
  target: { host: '127.0.0.1', port: Number(values.port), protocol: params.client, docarray: values.docarray as DocarrayVersion },
  job: 'peers',
  step: 'ours',
  method: 'index',
  context: { baseDir: process.cwd(), helpersDir: process.cwd() },
});
const steady =
  warmup && last
    ? { requests: last.requests - warmup.requests, cpuS: (last.cpu.user + last.cpu.system - warmup.cpu.user - warmup.cpu.system) / 1e6, wallS: (last.atMs - warmup.atMs) / 1000 }
    : undefined;
printRun({
  requests: report.requests,
  // The orchestrator passes the size of the equivalent request it gave the peer.
  bytes: report.requests * Number(values['request-bytes']),
  errors: report.errors.total,
  wallS: report.wallTimeS,
  cpuS: report.generatorCpuMs / 1000,
  p50Ms: report.latency.p50Ms,
  p99Ms: report.latency.p99Ms,
  ...(report.violations.count > 0 ? { violations: report.violations.count } : {}),
  ...(steady ? { steady } : {}),
});
