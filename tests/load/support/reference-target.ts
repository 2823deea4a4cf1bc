import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayTarget } from '../../../src/gateway/gateway-client.ts';
import { startReferenceFlow } from '../../../src/reference-runtime/start-reference-flow.ts';

export interface ReferenceTarget {
  target: GatewayTarget;
  /** Freezes the whole target process for `ms` (SIGSTOP … SIGCONT): a stall, like a long GC pause. */
  stall(ms: number): Promise<void>;
  /** SIGKILL: connections drop, nothing answers any more. */
  kill(): void;
  stop(): Promise<void>;
}

/** The reference runtime serving `flowYaml` (gRPC, port 0) in its own process. */
export async function startReferenceTarget(flowYaml: string): Promise<ReferenceTarget> {
  const workdir = await mkdtemp(join(tmpdir(), 'load-target-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', new URL('./serve-reference-flow.ts', import.meta.url).pathname], {
    env: { ...process.env, FLOW_YAML: flowYaml, FLOW_WORKDIR: workdir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`reference target exited (${code}) before listening`))),
  ])) as [string];
  const { port, docarray } = JSON.parse(line) as { port: number; docarray: GatewayTarget['docarray'] };
  const exited = once(child, 'exit');
  return {
    target: { host: '127.0.0.1', port, protocol: 'grpc', docarray },
    async stall(ms) {
      child.kill('SIGSTOP');
      await sleep(ms);
      child.kill('SIGCONT');
    },
    kill() {
      child.kill('SIGKILL');
    },
    // SIGKILL, not a graceful stop: a target with a queue of slow requests would drain it first.
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await rm(workdir, { recursive: true, force: true });
    },
  };
}

/**
 * The reference runtime in this process. For latency assertions: measured on this loaded
 * 2-core machine, a target in another process adds ~1–1.7 ms to each 20 ms round trip (two
 * processes to wake after each idle wait), one in this process ~0.5 ms.
 */
export async function startInProcessTarget(flowYaml: string): Promise<Pick<ReferenceTarget, 'target' | 'stop'>> {
  const workdir = await mkdtemp(join(tmpdir(), 'load-target-'));
  const running = await startReferenceFlow({ flowYaml, workdir });
  const gateway = running.gateways[0]!;
  return {
    target: { host: gateway.host, port: gateway.port, protocol: gateway.protocol, docarray: running.docarray },
    async stop() {
      await running.stop();
      await rm(workdir, { recursive: true, force: true });
    },
  };
}

/** A Flow with one FaultExecutor deployment named `name`, served over gRPC on a free port. */
export function faultFlow(name: string, usesWith: string, extra = ''): string {
  return `jtype: Flow
with: {protocol: grpc, port: 0}
executors:
${extra}  - {name: ${name}, uses: FaultExecutor, uses_with: ${usesWith}}
`;
}
