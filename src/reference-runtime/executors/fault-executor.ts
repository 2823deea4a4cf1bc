import { setTimeout as sleep } from 'node:timers/promises';
import { createSeededRandom } from '../../seeded-random.ts';
import { ExecutorOptions } from './executor-options.ts';
import { parseLatency } from './latency-distribution.ts';
import { DEFAULT_ENDPOINT, ExecutorException, ExecutorUnavailable, type ExecutorKind } from './simulated-executor.ts';

/**
 * Injects latency, exceptions and crashes, on the endpoints in `fail_on` (default: all).
 * A crash is per replica, like a worker process dying: after `crash_after` requests the
 * replica stops answering; when every replica of a shard is gone the gateway reports the
 * deployment UNAVAILABLE. Draws come from a seeded PRNG so runs repeat.
 */
export const faultExecutor = {
  summary: 'latency (fixed or distributed), cpu_ms, error_rate, crash_after, fail_on',
  options: {
    latency_ms: 'a number, or {distribution: uniform|normal|exponential, ...}',
    cpu_ms: 'ms of CPU time each request computes (CPU work, unlike latency_ms, which waits)',
    error_rate: 'probability in [0, 1] that a request raises (default 0)',
    crash_after: 'requests a replica serves before it becomes unavailable',
    fail_on: 'endpoints the faults apply to (default: all)',
    error_name: 'Python exception name reported (default RuntimeError)',
    error_message: 'exception message reported',
    seed: 'PRNG seed (default: from the deployment name and shard)',
  },
  async create(setup) {
    const options = new ExecutorOptions(setup);
    const where = `executor "${setup.deployment}" (${setup.className})`;
    const latency = parseLatency(options.raw('latency_ms'), where);
    const cpuMs = options.number('cpu_ms', 0, { min: 0, max: 60_000 });
    const errorRate = options.number('error_rate', 0, { min: 0, max: 1 });
    const crashAfter = options.optionalInteger('crash_after');
    const failOn = options.stringList('fail_on', []);
    const errorName = options.string('error_name', 'RuntimeError');
    const errorMessage = options.string('error_message', `injected fault in ${setup.deployment}`);
    const seed = options.string('seed', `${setup.deployment}/${setup.shardIndex}`);
    const random = createSeededRandom(seed);
    const served = new Map<number, number>();

    return {
      endpoints: [DEFAULT_ENDPOINT],
      async process({ endpoint, docs, replicaIndex, signal }) {
        if (failOn.length > 0 && !failOn.includes(endpoint)) return { docs };
        const count = (served.get(replicaIndex) ?? 0) + 1;
        served.set(replicaIndex, count);
        if (crashAfter !== undefined && count > crashAfter) {
          throw new ExecutorUnavailable(`replica ${replicaIndex} of ${setup.deployment} crashed after ${crashAfter} requests`);
        }
        if (cpuMs > 0) burnCpu(cpuMs);
        const delayMs = latency(random);
        if (delayMs > 0) await sleep(delayMs, undefined, { signal });
        if (errorRate > 0 && random.next() < errorRate) throw new ExecutorException(errorName, [errorMessage]);
        return { docs };
      },
    };
  },
} satisfies ExecutorKind;

/**
 * Computes until the process has used `ms` more CPU time (user + system). The reference
 * runtime runs executors on the agent's event loop, so this is CPU the agent's process uses
 * (what host metrics show), the same amount per request however busy the machine is; time
 * waiting for a core is not counted, as it would not be for a real executor. Other busy
 * threads in the process (the embedded agent's load generator) make it end sooner; a wall
 * clock cap of 50 × `ms` bounds it.
 */
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  const giveUpAt = performance.now() + ms * 50;
  let sink = 0;
  for (;;) {
    for (let i = 0; i < 2000; i += 1) sink += Math.sqrt(i + sink);
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms || performance.now() >= giveUpAt) break;
  }
  if (sink < 0) throw new Error('unreachable');
}
