import type { CapacityResult } from '../load/capacity-result.ts';

const rate = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * find_capacity's answer in one line: the maximum sustainable rate with its bracket (or why
 * there is none), the probes it took, the knee and the binding resource.
 */
export function formatCapacitySummary(capacity: CapacityResult): string {
  const probes = `${capacity.probes.length} probes in ${capacity.elapsedS.toFixed(0)} s`;
  const knee = capacity.knee.status === 'found' ? `knee at ~${rate(capacity.knee.achievedRate)} req/s` : 'no knee (throughput followed the offered load)';
  const binding = `binding: ${capacity.binding.resource} (${capacity.binding.evidence})`;
  return `capacity ${describeAnswer(capacity)} [${capacity.status}]; ${probes}; ${knee}; ${binding}`;
}

function describeAnswer(capacity: CapacityResult): string {
  switch (capacity.status) {
    case 'found':
      return `${rate(capacity.maxSustainableRate)} req/s (passes ${rate(capacity.maxSustainableRate)}, fails ${rate(capacity.firstFailingRate)})`;
    case 'unresolved':
      return capacity.firstFailingRate === undefined
        ? `≥ ${rate(capacity.maxSustainableRate)} req/s (max_duration ran out while growing)`
        : `${rate(capacity.maxSustainableRate)}–${rate(capacity.firstFailingRate)} req/s (passes ${rate(capacity.maxSustainableRate)}, fails ${rate(capacity.firstFailingRate)}; wider than the resolution)`;
    case 'above-max-rate':
      return `≥ ${rate(capacity.maxSustainableRate)} req/s (max_rate passed)`;
    case 'start-rate-fails':
      return `below the start rate ${rate(capacity.firstFailingRate)} req/s`;
    case 'generator-saturated':
      return `unknown: ${capacity.message}`;
    case 'interrupted':
      return capacity.maxSustainableRate === undefined ? 'unknown (interrupted)' : `≥ ${rate(capacity.maxSustainableRate)} req/s (interrupted)`;
  }
}
