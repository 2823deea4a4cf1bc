import { z } from 'zod';
import { secondsOf } from './field-schemas.ts';
import type { StepProblemReport } from './step-schema-definition.ts';

interface WorkBound {
  /** Largest value accepted without the step's `limits:` saying more is meant. */
  max: number;
  /** What the number costs, for the hint. */
  costs: string;
  /** How the written value reads as a number (durations may be "5m"). */
  read?: (value: unknown) => number | undefined;
  unit?: string;
}

/**
 * Ceilings for every number of a load step that sizes work or memory. Each is far above what
 * the seed's configs use and what one generator machine can do, so going past one is almost
 * always a typo (`num_clients: 1e12`, `execution_time: 36000` for 3600); a step that really
 * means more says so in its own `limits:` (`limits: {num_clients: 20000}`).
 */
export const WORK_BOUNDS = {
  num_clients: { max: 10_000, costs: 'each client is a connection with its own loop on this machine' },
  request_size: { max: 10_000, costs: 'documents per request are built and held in memory for every request in flight' },
  prefetch: { max: 1_000, costs: 'each client keeps this many requests and their documents in flight' },
  arrival_rate: { max: 100_000, costs: 'requests started per second on this machine' },
  ramp_to: { max: 100_000, costs: 'requests started per second on this machine at the end of the ramp' },
  max_in_flight: { max: 100_000, costs: 'each request in flight holds its documents in memory' },
  workers: { max: 256, costs: 'each worker is a thread with its own copy of the input' },
  execution_time: { max: 86_400, costs: 'the step runs this long', read: secondsOf, unit: ' s (24 h)' },
  duration: { max: 86_400, costs: 'the schedule runs this long', read: secondsOf, unit: ' s (24 h)' },
} as const satisfies Record<string, WorkBound>;

export type BoundedKey = keyof typeof WORK_BOUNDS;

/** A step's `limits:`: a higher ceiling for any bounded key, on that step only. */
export const limitsSchema = z
  .strictObject(
    Object.fromEntries(
      Object.keys(WORK_BOUNDS).map((key) => [key, z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' })]),
    ) as Record<BoundedKey, z.ZodNumber>,
  )
  .partial()
  .describe(`Higher ceilings for this step's ${Object.keys(WORK_BOUNDS).join(', ')} when a test really needs more.`);

/** Every bounded key of the step above its ceiling, at the key, with the ceiling and the way past it. */
export function checkWorkBounds(step: Readonly<Record<string, unknown>>, report: StepProblemReport): void {
  const limits = step.limits !== null && typeof step.limits === 'object' ? (step.limits as Record<string, unknown>) : {};
  for (const [key, bound] of Object.entries(WORK_BOUNDS) as Array<[BoundedKey, WorkBound]>) {
    const value = (bound.read ?? ((written) => (typeof written === 'number' ? written : undefined)))(step[key]);
    if (value === undefined || Number.isNaN(value)) continue;
    const raised = typeof limits[key] === 'number' ? (limits[key] as number) : undefined;
    const max = raised ?? bound.max;
    if (value <= max) continue;
    const ceiling = `${max.toLocaleString('en-US')}${raised === undefined ? (bound.unit ?? '') : ''}`;
    const found = typeof step[key] === 'number' ? (step[key] as number).toLocaleString('en-US') : JSON.stringify(step[key]);
    report(
      [key],
      `${key} ${found} is above ${raised === undefined ? 'the ceiling' : "this step's limits"} of ${ceiling}`,
      raised === undefined
        ? `${bound.costs}; if the test really needs more, add limits: { ${key}: ${typeof step[key] === 'number' ? step[key] : value} } to this step`
        : `raise limits.${key} on this step, or lower ${key}`,
    );
  }
}
