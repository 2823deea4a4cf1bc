import { z } from 'zod';

/** YAML `~` means "not given", as it did for the seed's kwargs. */
const absentWhenNull = (value: unknown): unknown => (value === null ? undefined : value);

/** Numbers may arrive as text (a `${VAR}` in the config): `"100"` is 100. */
const numberFromText = (value: unknown): unknown => {
  const present = absentWhenNull(value);
  return typeof present === 'string' && present.trim() !== '' && Number.isFinite(Number(present)) ? Number(present) : present;
};

/** An integer from min (to max: documents an input builds are held in memory). */
function boundedInteger(options: { min: number; max?: number }) {
  const allowed = options.max === undefined ? `an integer ≥ ${options.min}` : `an integer from ${options.min} to ${options.max.toLocaleString('en-US')}`;
  const field = z.number({ error: allowed }).int({ error: allowed }).min(options.min, { error: allowed });
  return options.max === undefined ? field : field.max(options.max, { error: allowed });
}

/**
 * Field builders for kwargs schemas (kwargs-schema.ts). Each field's error message is what it
 * allows, which the problem message quotes.
 */
export const kwarg = {
  integer(options: { min: number; max?: number; default: number }) {
    return z.preprocess(numberFromText, boundedInteger(options).default(options.default));
  },
  optionalInteger(options: { min: number; max?: number }) {
    return z.preprocess(numberFromText, boundedInteger(options).optional());
  },
  string(allowed = 'a non-empty string') {
    return z.preprocess(absentWhenNull, z.string({ error: allowed }).min(1, { error: allowed }).optional());
  },
  choice<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
    const allowed = `one of ${values.join(', ')}`;
    return z.preprocess(absentWhenNull, z.enum(values, { error: allowed }).default(fallback as never));
  },
  boolean(fallback: boolean) {
    return z.preprocess(absentWhenNull, z.boolean({ error: 'true or false' }).default(fallback));
  },
  integerList(fallback: readonly number[]) {
    const allowed = 'a list of positive integers';
    return z.preprocess(absentWhenNull, z.array(z.number({ error: allowed }).int({ error: allowed }).positive({ error: allowed }), { error: allowed }).min(1, { error: allowed }).default([...fallback]));
  },
  /** A list whose items are a tag name, or a list of alternative names (any one suffices); one name alone is a list of one. */
  tagRequirements(fallback: string[][]) {
    const allowed = 'a list of tag names (an inner list means "any of these")';
    const name = z.string({ error: allowed }).min(1, { error: allowed });
    return z.preprocess(
      (value) => {
        const present = absentWhenNull(value);
        if (present === undefined) return undefined;
        return (Array.isArray(present) ? present : [present]).map((item) => (Array.isArray(item) ? item : [item]));
      },
      z.array(z.array(name, { error: allowed }).min(1, { error: allowed }), { error: allowed }).default(fallback),
    );
  },
  /** Accepted for the seed's configs and not used (the seed logged them). */
  ignored() {
    return z.unknown().optional();
  },
};
