import { describe, expect, it } from 'vitest';
import { findBindingResource } from '../../src/capacity/find-binding-resource.ts';
import type { CapacityProbe, ProbeBusiestProcess } from '../../src/load/capacity-result.ts';

/** A probe as judge-probe builds it; only what the binding resource reads varies. */
function probe(index: number, offeredRate: number, passed: boolean, extra: Partial<CapacityProbe> = {}): CapacityProbe {
  return {
    index,
    phase: 'growth',
    runs: 1,
    offeredRate,
    achievedRate: offeredRate,
    requests: offeredRate * 4,
    errors: 0,
    cutOff: 0,
    p50Ms: 5,
    p99Ms: passed ? 20 : 400,
    executors: { encoder: { meanMs: passed ? 2 : 3, p50Ms: 2 }, indexer: { meanMs: passed ? 4 : 9, p50Ms: 4 } },
    split: passed ? { executorsMs: 6, gatewayMs: 1, clientMs: 2 } : { executorsMs: 12, gatewayMs: 1, clientMs: 30 },
    generatorSaturated: false,
    outcomes: [],
    passed,
    marginal: false,
    notes: [],
    ...extra,
  };
}

const encoderPod: ProbeBusiestProcess = { name: 'encoder/rep-0', agent: '10.0.0.2:8000', executor: 'encoder', role: 'executor', meanCpuCores: 0.97, hostCores: 2 };

describe('the binding resource of a capacity search', () => {
  it('names the executor whose process kept a core busy at the first failing probe, before the round-trip split', () => {
    const found = findBindingResource([probe(1, 10, true), probe(2, 20, true), probe(3, 40, false, { busiestProcess: encoderPod })]);
    expect(found.resource).toBe('executor:encoder');
    expect(found.evidence).toBe("encoder/rep-0 on 10.0.0.2:8000 kept 0.97 cores of the host's 2 busy at 40 req/s (CPU-bound)");
  });

  it('names the gateway when its process is the CPU-bound one', () => {
    const gateway: ProbeBusiestProcess = { name: 'gateway/rep-0', agent: '10.0.0.1:8000', role: 'gateway', meanCpuCores: 0.93 };
    expect(findBindingResource([probe(1, 10, true), probe(2, 20, false, { busiestProcess: gateway })]).resource).toBe('gateway');
  });

  it('falls back to the round-trip split when no process was near a core, or the busiest row includes the generator', () => {
    const idle = { ...encoderPod, meanCpuCores: 0.4 };
    // The split grew most in client/transport (2 → 30 ms), so that is named.
    expect(findBindingResource([probe(1, 10, true), probe(2, 20, false, { busiestProcess: idle })]).resource).toBe('client/transport');
    const embedded = { ...encoderPod, name: 'agent process [gateway, encoder]', includesGenerator: true };
    expect(findBindingResource([probe(1, 10, true), probe(2, 20, false, { busiestProcess: embedded })]).resource).toBe('client/transport');
  });

  it('a saturated generator still comes first', () => {
    const found = findBindingResource([probe(1, 10, true), probe(2, 20, false, { busiestProcess: encoderPod, generatorSaturated: true, generatorShare: 0.95 })]);
    expect(found.resource).toBe('generator');
  });
});
