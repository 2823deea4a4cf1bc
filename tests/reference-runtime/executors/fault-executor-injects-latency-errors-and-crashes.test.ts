import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../src/seeded-random.ts';
import { faultExecutor } from '../../../src/reference-runtime/executors/fault-executor.ts';
import { parseLatency } from '../../../src/reference-runtime/executors/latency-distribution.ts';
import { ExecutorException, ExecutorUnavailable, type ExecutorSetup } from '../../../src/reference-runtime/executors/simulated-executor.ts';

const setup = (usesWith: ExecutorSetup['usesWith']): ExecutorSetup => ({
  deployment: 'slow',
  className: 'FaultExecutor',
  shardIndex: 0,
  shardCount: 1,
  usesWith,
  metas: {},
  workdir: '/tmp',
});
const call = (endpoint = '/index', replicaIndex = 0) => ({ endpoint, docs: [{ id: 'a' }], parameters: {}, replicaIndex });

async function timed(task: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

describe('faultExecutor', () => {
  it('waits latency_ms on every call', async () => {
    const executor = await faultExecutor.create(setup({ latency_ms: 30 }));
    expect(await timed(async () => executor.process(call()))).toBeGreaterThanOrEqual(29);
  });

  it('computes cpu_ms of process CPU time on every call (work, where latency_ms waits), and refuses a negative one', async () => {
    const executor = await faultExecutor.create(setup({ cpu_ms: 40 }));
    const before = process.cpuUsage();
    await executor.process(call());
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeGreaterThanOrEqual(40);
    await expect(faultExecutor.create(setup({ cpu_ms: -1 }))).rejects.toThrow(/uses_with\.cpu_ms = -1 is not a number in \[0, 60000\]/);
  });

  it('draws latency from bounded uniform and clamped normal distributions', () => {
    const random = createSeededRandom('latency');
    const uniform = parseLatency({ distribution: 'uniform', min: 5, max: 15 }, 'test');
    const draws = Array.from({ length: 2000 }, () => uniform(random));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...draws)).toBeLessThanOrEqual(15);
    expect(draws.reduce((sum, draw) => sum + draw, 0) / draws.length).toBeCloseTo(10, 0);
    const normal = parseLatency({ distribution: 'normal', mean: 20, stddev: 10, min: 12, max: 25 }, 'test');
    const clamped = Array.from({ length: 2000 }, () => normal(random));
    expect(Math.min(...clamped)).toBe(12);
    expect(Math.max(...clamped)).toBe(25);
  });

  it('raises at about error_rate, reproducibly for a seed', async () => {
    const outcomes = async () => {
      const executor = await faultExecutor.create(setup({ error_rate: 0.3, seed: 'fixed', error_name: 'KeyError' }));
      const seen: string[] = [];
      for (let i = 0; i < 200; i++) {
        try {
          await executor.process(call());
          seen.push('ok');
        } catch (error) {
          seen.push((error as ExecutorException).pythonName);
        }
      }
      return seen;
    };
    const first = await outcomes();
    const errors = first.filter((outcome) => outcome === 'KeyError').length;
    expect(errors).toBeGreaterThan(35);
    expect(errors).toBeLessThan(85);
    expect(await outcomes()).toEqual(first);
  });

  it('crashes each replica after crash_after requests, only on fail_on endpoints', async () => {
    const executor = await faultExecutor.create(setup({ crash_after: 2, fail_on: ['/search'] }));
    await executor.process(call('/search', 0));
    await executor.process(call('/search', 0));
    await expect(async () => executor.process(call('/search', 0))).rejects.toBeInstanceOf(ExecutorUnavailable);
    await expect(executor.process(call('/index', 0))).resolves.toEqual({ docs: [{ id: 'a' }] });
    await expect(executor.process(call('/search', 1))).resolves.toEqual({ docs: [{ id: 'a' }] });
  });

  it('rejects an unknown distribution naming the allowed ones', async () => {
    await expect(faultExecutor.create(setup({ latency_ms: { distribution: 'pareto' } }))).rejects.toThrow(
      'unknown distribution "pareto"; allowed: fixed, uniform, normal, exponential',
    );
  });

  it('reports a thrown exception like Python (repr)', () => {
    expect(new ExecutorException('RuntimeError', ["it's broken"]).repr).toBe("RuntimeError('it\\'s broken')");
  });
});
