import { StressError } from '../../errors.ts';
import type { SeededRandom } from '../../seeded-random.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import { isPlainObject } from '../flow-issues.ts';

/** A latency draw in milliseconds; never negative. */
export type LatencyDistribution = (random: SeededRandom) => number;

const shapes = {
  fixed: (spec) => {
    const ms = field(spec, 'ms', 0);
    return () => ms;
  },
  uniform: (spec) => {
    const min = field(spec, 'min', 0);
    const max = field(spec, 'max', min);
    if (max < min) throw new Error(`max (${max}) < min (${min})`);
    return (random) => min + random.next() * (max - min);
  },
  normal: (spec) => {
    const mean = field(spec, 'mean', 0);
    const stddev = field(spec, 'stddev', 0);
    return clamp(spec, (random) => mean + stddev * random.normal());
  },
  exponential: (spec) => {
    const mean = field(spec, 'mean', 0);
    return clamp(spec, (random) => -mean * Math.log(1 - random.next()));
  },
} satisfies Record<string, (spec: Record<string, unknown>) => LatencyDistribution>;

/**
 * `latency_ms` of the fault executor: a number (fixed), or `{distribution: uniform, min,
 * max}`, `{distribution: normal, mean, stddev, min?, max?}`, `{distribution: exponential,
 * mean, max?}`. Normal and exponential draws are clamped to [min ?? 0, max ?? ∞].
 */
export function parseLatency(value: JsonValue | undefined, where: string): LatencyDistribution {
  if (value === undefined || value === null) return () => 0;
  try {
    if (typeof value === 'number' || typeof value === 'string') return shapes.fixed({ ms: value });
    if (!isPlainObject(value)) throw new Error('expected a number or a mapping');
    const { distribution = 'fixed', ...rest } = value;
    const shape = shapes[String(distribution) as keyof typeof shapes];
    if (!shape) throw new Error(`unknown distribution ${JSON.stringify(distribution)}; allowed: ${Object.keys(shapes).join(', ')}`);
    return shape(rest);
  } catch (error) {
    throw new StressError('FLOW_YAML', `${where}: latency_ms ${JSON.stringify(value)}: ${(error as Error).message}`, {
      hint: 'Use a number of ms, or {distribution: uniform, min, max} / {distribution: normal, mean, stddev}.',
    });
  }
}

function field(spec: Record<string, unknown>, key: string, fallback: number): number {
  const value = spec[key] ?? fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
    throw new Error(`${key} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return number;
}

function clamp(spec: Record<string, unknown>, draw: LatencyDistribution): LatencyDistribution {
  const min = field(spec, 'min', 0);
  const max = spec.max === undefined ? Infinity : field(spec, 'max', 0);
  return (random) => Math.min(max, Math.max(min, draw(random)));
}
