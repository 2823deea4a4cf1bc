import type { CapacityKnee, CapacityProbe } from '../load/capacity-result.ts';

/** Throughput within this share of the highest achieved counts as the plateau. */
const PLATEAU_SHARE = 0.95;

/**
 * Where throughput stopped growing with offered load: the lowest offered rate whose achieved
 * throughput is already on the plateau (within 5% of the highest achieved by any probe),
 * provided some probe offered more than the plateau could take (achieved under 95% of what it
 * offered). Without such a probe throughput was still following the offered load everywhere:
 * the objective broke on latency before the Flow ran out of throughput.
 */
export function findKnee(probes: readonly CapacityProbe[]): CapacityKnee {
  if (probes.length === 0) return { status: 'not-reached', note: 'no probe ran' };
  const byRate = [...probes].sort((a, b) => a.offeredRate - b.offeredRate || a.index - b.index);
  const plateau = Math.max(...byRate.map((probe) => probe.achievedRate));
  const overOffered = byRate.filter((probe) => probe.achievedRate < PLATEAU_SHARE * probe.offeredRate);
  if (overOffered.length === 0) {
    return { status: 'not-reached', note: `throughput followed the offered load up to ${round(byRate[byRate.length - 1]!.offeredRate)} req/s` };
  }
  const knee = byRate.find((probe) => probe.achievedRate >= PLATEAU_SHARE * plateau)!;
  return {
    status: 'found',
    offeredRate: knee.offeredRate,
    achievedRate: knee.achievedRate,
    note: `throughput stopped growing at ~${round(knee.achievedRate)} req/s (offered ${round(knee.offeredRate)}); offering ${round(overOffered[overOffered.length - 1]!.offeredRate)} req/s achieved ${round(overOffered[overOffered.length - 1]!.achievedRate)}`,
  };
}

function round(rate: number): string {
  return rate.toLocaleString('en-US', { maximumFractionDigits: 1 });
}
