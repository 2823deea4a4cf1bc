import type { Plan } from './plan.ts';

/**
 * The Plan as it crosses to Vitest workers: a JSON round trip (so what the workers get is
 * exactly what the main process had, with no undefined fields), then frozen all the way down.
 */
export function freezePlan(plan: Plan): Plan {
  return deepFreeze(JSON.parse(JSON.stringify(plan)) as Plan);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
