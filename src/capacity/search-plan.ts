import type { CapacityPlan, CapacityPlanSummary, CapacityResolution } from '../load/capacity-result.ts';

/**
 * Time a probe costs beyond its warm-up and measured phase: connecting the clients of two
 * phases, the grace for answers in flight, closing. About 0.3–0.6 s in this project's tests
 * on a loaded 2-core machine; the search itself uses the slowest probe it has seen when it
 * decides whether one more fits.
 */
export const PROBE_OVERHEAD_S = 1;

export function probeCostS(plan: Pick<CapacityPlan, 'warmupS' | 'probeDurationS'>): number {
  return plan.warmupS + plan.probeDurationS + PROBE_OVERHEAD_S;
}

/** True when the bracket [lastPassing, firstFailing] is as narrow as the resolution asks. */
export function isResolved(lastPassing: number, firstFailing: number, resolution: CapacityResolution): boolean {
  const width = firstFailing - lastPassing;
  // A hair of tolerance: 100 → 105 at 5% is resolved, whatever the float rounding.
  return resolution.kind === 'relative' ? width <= resolution.share * lastPassing * (1 + 1e-9) : width <= resolution.rate * (1 + 1e-9);
}

/** The resolution as people write it: `5%` or `2 req/s`. */
export function describeResolution(resolution: CapacityResolution): string {
  return resolution.kind === 'relative' ? `${+(resolution.share * 100).toFixed(4)}%` : `${resolution.rate} req/s`;
}

/**
 * The most probes the search may need without repeats: every growth step up to max_rate, then
 * halving the widest bracket growth can leave until it is within the resolution.
 */
export function countProbesNeeded(plan: Pick<CapacityPlan, 'startRate' | 'maxRate' | 'growth' | 'resolution'>): { growth: number; bisection: number } {
  const { startRate, maxRate, growth, resolution } = plan;
  const growthSteps = maxRate > startRate ? Math.ceil(Math.log(maxRate / startRate) / Math.log(growth) - 1e-9) : 0;
  const growthProbes = growthSteps + 1;
  if (growthSteps === 0) return { growth: growthProbes, bisection: 0 };
  // The widest bracket in req/s is the last one, [maxRate / growth, maxRate]; relative to its
  // lower end every bracket is (growth - 1) wide.
  const lower = Math.max(startRate, maxRate / growth);
  const halvings = (width: number, target: number): number => (width <= target ? 0 : Math.ceil(Math.log2(width / target) - 1e-9));
  const bisection =
    resolution.kind === 'relative' ? halvings(growth - 1, resolution.share) : halvings(maxRate - lower, resolution.rate);
  return { growth: growthProbes, bisection };
}

/** The plan with what fits: how many probes max_duration holds and how many may be needed. */
export function summarizePlan(plan: CapacityPlan): CapacityPlanSummary {
  const needed = countProbesNeeded(plan);
  return {
    ...plan,
    probesThatFit: Math.floor(plan.maxDurationS / probeCostS(plan) + 1e-9),
    probesNeeded: needed.growth + needed.bisection,
  };
}

/**
 * Why the plan cannot reach its resolution within max_duration, with the numbers and the
 * shortest max_duration that would; undefined when it fits.
 */
export function explainPlanMisfit(plan: CapacityPlan): { message: string; hint: string } | undefined {
  const summary = summarizePlan(plan);
  if (summary.probesNeeded <= summary.probesThatFit) return undefined;
  const needed = countProbesNeeded(plan);
  const cost = probeCostS(plan);
  return {
    message:
      `max_duration ${plan.maxDurationS} s fits ${summary.probesThatFit} probes of ${cost} s ` +
      `(warmup ${plan.warmupS} s + probe_duration ${plan.probeDurationS} s + ~${PROBE_OVERHEAD_S} s to connect and drain), ` +
      `but reaching ${describeResolution(plan.resolution)} from start_rate ${plan.startRate} up to max_rate ${plan.maxRate} ` +
      `by growth ${plan.growth} may need ${summary.probesNeeded} (${needed.growth} growth + ${needed.bisection} bisection)`,
    hint:
      `set max_duration to at least ${Math.ceil(summary.probesNeeded * cost)} s, or shorten warmup/probe_duration, ` +
      'coarsen resolution, or narrow start_rate..max_rate',
  };
}

/** Where the next probe goes: the middle of the bracket (rates rounded to 0.01 req/s). */
export function bisect(lastPassing: number, firstFailing: number): number {
  return Math.round(((lastPassing + firstFailing) / 2) * 100) / 100;
}
