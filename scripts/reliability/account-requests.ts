import * as grpc from '@grpc/grpc-js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../src/protocol/grpc-methods.ts';
import { startReferenceFlow } from '../../src/reference-runtime/start-reference-flow.ts';

export interface Accounting {
  scenario: string;
  /** Requests that reached the target, counted by a proxy in front of it (not by the engine). */
  arrived: number;
  ok: number;
  errors: number;
  cutOff: number;
}

const identity = (buffer: Buffer): Buffer => buffer;

/**
 * Counts request messages on their way to the gateway: the ground truth the engine's own
 * counts (ok + errors + cut off) are compared with.
 */
async function startCountingProxy(upstreamPort: number): Promise<{ port: number; arrived: () => number; close(): void }> {
  const upstream = new grpc.Client(`127.0.0.1:${upstreamPort}`, grpc.credentials.createInsecure(), jinaGrpcChannelOptions);
  let arrived = 0;
  const server = new grpc.Server(jinaGrpcChannelOptions);
  server.register(
    jinaGrpcMethods.call,
    (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      const forward = upstream.makeBidiStreamRequest(jinaGrpcMethods.call, identity, identity);
      call.on('data', (request: Buffer) => {
        arrived++;
        forward.write(request);
      });
      call.on('end', () => forward.end());
      call.on('error', () => forward.cancel());
      call.on('cancelled', () => forward.cancel());
      forward.on('data', (response: Buffer) => call.writable && call.write(response));
      forward.on('end', () => call.end());
      forward.on('error', (error: grpc.ServiceError) => call.destroy(error));
    },
    identity,
    identity,
    'bidi',
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, arrived: () => arrived, close: () => (server.forceShutdown(), upstream.close()) };
}

const scenarios: Array<{ scenario: string; usesWith: string; params: Partial<LoadStepParams> }> = [
  { scenario: 'executor errors (30 %)', usesWith: '{error_rate: 0.3, latency_ms: 2}', params: { numClients: 4, executionTimeS: 2 } },
  { scenario: 'timeouts (latency 0-400 ms, timeout 150 ms)', usesWith: '{latency_ms: {distribution: uniform, min: 0, max: 400}}', params: { numClients: 4, executionTimeS: 2, requestTimeoutMs: 150 } },
  { scenario: 'cut off at the deadline (1 s requests)', usesWith: '{latency_ms: 1000}', params: { numClients: 4, executionTimeS: 1.5 } },
  {
    scenario: 'open model, 200/s over a 5-200 ms executor',
    usesWith: '{latency_ms: {distribution: exponential, mean: 20, max: 200}}',
    params: { numClients: 4, arrival: { arrivalRate: 200, durationS: 2, allowLag: true } },
  },
];

/** Runs each scenario through a counting proxy: what arrived, against what the engine accounted for. */
export async function accountRequests(): Promise<Accounting[]> {
  const results: Accounting[] = [];
  for (const { scenario, usesWith, params } of scenarios) {
    const workdir = await mkdtemp(join(tmpdir(), 'reliability-accounting-'));
    const flow = await startReferenceFlow({
      flowYaml: `jtype: Flow\nwith: {protocol: grpc, port: 0}\nexecutors:\n  - {name: work, uses: FaultExecutor, replicas: 64, uses_with: ${usesWith}}\n`,
      workdir,
    });
    const proxy = await startCountingProxy(flow.gateways[0]!.port);
    try {
      const report = await runLoad({
        params: {
          client: 'grpc',
          numClients: 1,
          requestSize: 1,
          executionTimeS: 2,
          endpoint: '/index',
          parameters: {},
          inputs: { method: 'random_texts', kwargs: { num_docs: 50 } },
          prefetch: 1,
          grpcMode: 'stream',
          websocketFraming: 'bytes',
          requestTimeoutMs: 10_000,
          thresholds: {},
          maxViolations: 0,
          abortOnFail: false,
          workers: 0,
          ...params,
        },
        target: { host: '127.0.0.1', port: proxy.port, protocol: 'grpc', docarray: flow.docarray },
        job: 'reliability',
        step: scenario,
        method: 'index',
        context: { baseDir: process.cwd(), helpersDir: process.cwd() },
      });
      results.push({ scenario, arrived: proxy.arrived(), ok: report.okRequests ?? 0, errors: report.errors.total, cutOff: report.cutOff ?? 0 });
    } finally {
      proxy.close();
      await flow.stop();
      await rm(workdir, { recursive: true, force: true });
    }
  }
  return results;
}
