import type { BindingResource, CapacityProbe } from '../load/capacity-result.ts';

/**
 * What limited the rate, from what the probes measured. One function on purpose: each source
 * of evidence is one step here, in order of how directly it names the limit, and a later
 * source (per-process CPU and memory from the agents' host metrics) slots in before the
 * round-trip split.
 *
 * 1. The generator: a probe saturated it (its CPU or its event loops), so the numbers from
 *    there on describe the generator.
 * 2. The round-trip split, between the lowest passing probe and the first failing one (or the
 *    highest probe): the part whose time per request grew the most is where requests queued.
 *    When that is the executors, the executor whose mean time grew the most is named (a
 *    gateway-stamped executor span includes waiting for a free replica).
 */
export function findBindingResource(probes: readonly CapacityProbe[]): BindingResource {
  const saturated = probes.find((probe) => probe.generatorSaturated);
  if (saturated) {
    const share = saturated.generatorShare === undefined ? '' : ` (CPU ${Math.round(saturated.generatorShare * 100)}% of its cores)`;
    return { resource: 'generator', evidence: `the generator saturated at ${saturated.offeredRate} req/s${share}` };
  }
  const byRate = [...probes].sort((a, b) => a.offeredRate - b.offeredRate || a.index - b.index);
  const low = byRate.find((probe) => probe.passed) ?? byRate[0];
  const high = byRate.find((probe) => !probe.passed && low !== undefined && probe.offeredRate > low.offeredRate) ?? byRate[byRate.length - 1];
  if (!low || !high || low === high) return { resource: 'unknown', evidence: 'fewer than two probe rates to compare' };
  const at = `from ${low.offeredRate} to ${high.offeredRate} req/s`;
  if (low.split && high.split) {
    const growth = {
      executors: high.split.executorsMs - low.split.executorsMs,
      gateway: high.split.gatewayMs - low.split.gatewayMs,
      'client/transport': high.split.clientMs - low.split.clientMs,
    };
    const total = Math.max(1e-9, Object.values(growth).reduce((sum, value) => sum + Math.max(0, value), 0));
    const [part, grew] = Object.entries(growth).sort((a, b) => b[1] - a[1])[0]!;
    const share = `${Math.round((Math.max(0, grew) / total) * 100)}% of the round trip's growth ${at}`;
    if (grew <= 0) return { resource: 'unknown', evidence: `no part of the round trip grew ${at}` };
    if (part !== 'executors') return { resource: part, evidence: `${part} +${grew.toFixed(1)} ms per request, ${share}` };
    const executor = growthOfExecutors(low, high);
    if (!executor) return { resource: 'executors', evidence: `executors +${grew.toFixed(1)} ms per request, ${share}` };
    return { resource: `executor:${executor.name}`, evidence: `${executor.name} mean ${executor.fromMs.toFixed(1)} → ${executor.toMs.toFixed(1)} ms ${at}; executors ${share}` };
  }
  const executor = growthOfExecutors(low, high);
  if (executor) return { resource: `executor:${executor.name}`, evidence: `${executor.name} mean ${executor.fromMs.toFixed(1)} → ${executor.toMs.toFixed(1)} ms ${at} (no round-trip split to compare the gateway with)` };
  return { resource: 'unknown', evidence: `no round-trip split or executor times ${at} (routes not available?)` };
}

function growthOfExecutors(low: CapacityProbe, high: CapacityProbe): { name: string; fromMs: number; toMs: number } | undefined {
  const grown = Object.entries(high.executors)
    .filter(([name]) => low.executors[name] !== undefined)
    .map(([name, to]) => ({ name, fromMs: low.executors[name]!.meanMs, toMs: to.meanMs }))
    .sort((a, b) => b.toMs - b.fromMs - (a.toMs - a.fromMs));
  const top = grown[0];
  return top && top.toMs > top.fromMs ? top : undefined;
}
