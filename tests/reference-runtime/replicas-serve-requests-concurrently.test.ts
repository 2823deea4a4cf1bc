import { describe, expect, it } from 'vitest';
import { dataRequest, flowFromYaml, responseOf, textDocs } from './flow-from-yaml.ts';

async function wallTimeOfFour(replicas: number): Promise<number> {
  const { flow, cleanup } = await flowFromYaml(
    `executors:\n  - {name: slow, uses: FaultExecutor, replicas: ${replicas}, uses_with: {latency_ms: 50}}\n`,
  );
  try {
    const start = performance.now();
    const outcomes = await Promise.all([0, 1, 2, 3].map((i) => flow.process(dataRequest('/index', textDocs([`r${i}`])))));
    const elapsed = performance.now() - start;
    outcomes.forEach(responseOf);
    return elapsed;
  } finally {
    await cleanup();
  }
}

describe('replicas', () => {
  it('are concurrency slots: 4 requests of 50 ms take ~200 ms on one replica, ~100 ms on two', async () => {
    const one = await wallTimeOfFour(1);
    const two = await wallTimeOfFour(2);
    const four = await wallTimeOfFour(4);
    // Lower bounds are exact (requests cannot finish sooner); upper ones are ratios, so a
    // loaded machine slowing every timer does not fail the test.
    expect(one).toBeGreaterThanOrEqual(195);
    expect(two).toBeGreaterThanOrEqual(98);
    expect(four).toBeGreaterThanOrEqual(49);
    expect(two / one).toBeLessThan(0.75);
    expect(four / one).toBeLessThan(0.5);
  });
});
