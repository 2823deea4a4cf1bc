import { z } from 'zod';

/**
 * The scalar field kinds a config uses, each with one message saying what it expects (the
 * problem printer appends what was found) and a description that becomes both the editor
 * tooltip in the JSON Schema and the hint of a problem.
 */

export function text(description: string) {
  return z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty string' }).describe(description);
}

export function positiveInteger(description: string) {
  const error = 'expected a positive integer';
  return z.number({ error }).int({ error }).positive({ error }).describe(description);
}

export function positiveNumber(description: string) {
  const error = 'expected a positive number';
  return z.number({ error }).positive({ error }).describe(description);
}

export function nonNegativeInteger(description: string) {
  const error = 'expected an integer ≥ 0';
  return z.number({ error }).int({ error }).nonnegative({ error }).describe(description);
}

export function ratio(description: string) {
  const error = 'expected a fraction between 0 and 1';
  return z.number({ error }).min(0, { error }).max(1, { error }).describe(description);
}

export function port(description: string) {
  const error = 'expected a port number (1-65535)';
  return z.number({ error }).int({ error }).min(1, { error }).max(65_535, { error }).describe(description);
}

export function flag(description: string) {
  return z.boolean({ error: 'expected true or false' }).describe(description);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` }).describe(description);
}

const UNIT_SECONDS = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/** A duration as written (`30`, `"5m"`) in seconds, or undefined when it is not one. */
export function secondsOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? DURATION.exec(value.trim()) : undefined;
  return match ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS] : undefined;
}

/**
 * A duration in seconds: a number (the seed's form) or a string with a unit, `500ms`, `30s`,
 * `5m`, `1h`. Parsed by hand in a transform so a bad value gets one clear message.
 */
export function seconds(description: string) {
  const error = 'expected seconds (a number ≥ 0) or a duration like "30s", "5m", "500ms"';
  return z
    .union([z.number(), z.string()], { error })
    .transform((value, context) => {
      const match = typeof value === 'string' ? DURATION.exec(value.trim()) : undefined;
      const result =
        typeof value === 'number' ? value : match ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS] : NaN;
      if (!Number.isFinite(result) || result < 0) {
        context.issues.push({ code: 'custom', message: error, input: value });
        return 0;
      }
      return result;
    })
    .describe(description);
}

const environmentValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a string, number or boolean',
});

/** Environment variables for templates: scalars, stored as strings (`false` → `"false"`). */
export function environment(description: string) {
  return z
    .record(z.string(), environmentValue, { error: 'expected a mapping of NAME: value' })
    .transform((values) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])))
    .describe(description);
}

/** Free-form JSON (request parameters, kwargs of inputs and checks). */
export function jsonObject(description: string) {
  return z.record(z.string(), z.json(), { error: 'expected a mapping' }).describe(description);
}
