import { z } from 'zod';
import { StressError } from '../errors.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { kwargsSchema, type KwargsOwner, type KwargsSchema } from './kwargs-schema.ts';

/**
 * A user input's or check's kwargs, declared as plain data beside it:
 *
 * ```ts
 * export const product_titles = defineInput(
 *   { kwargs: { num_docs: { type: 'integer', min: 1, max: 10_000, default: 20 }, prefix: { type: 'string' } } },
 *   async (kwargs, context) => …,
 * );
 * ```
 *
 * Plain data, not zod, because `validate` reads it from the helper's source without running
 * the module (helper-export-names.ts): only literals can be read that way.
 */
export type KwargSpec =
  | { type: 'integer'; min?: number; max?: number; default?: number; required?: boolean }
  | { type: 'number'; min?: number; max?: number; default?: number; required?: boolean }
  | { type: 'string'; default?: string; required?: boolean }
  | { type: 'boolean'; default?: boolean; required?: boolean }
  | { type: 'choice'; values: readonly string[]; default?: string; required?: boolean }
  | { type: 'string_list'; default?: readonly string[]; required?: boolean }
  | { type: 'any'; required?: boolean };

export type KwargSpecs = Readonly<Record<string, KwargSpec>>;

const TYPES = ['integer', 'number', 'string', 'boolean', 'choice', 'string_list', 'any'] as const;
const KEYS: Record<(typeof TYPES)[number], readonly string[]> = {
  integer: ['type', 'min', 'max', 'default', 'required'],
  number: ['type', 'min', 'max', 'default', 'required'],
  string: ['type', 'default', 'required'],
  boolean: ['type', 'default', 'required'],
  choice: ['type', 'values', 'default', 'required'],
  string_list: ['type', 'default', 'required'],
  any: ['type', 'required'],
};

/** What is wrong with a declaration itself (a typo in `type`, a key it does not take), by kwarg. */
export function kwargSpecProblems(specs: unknown): string[] {
  if (specs === null || typeof specs !== 'object' || Array.isArray(specs)) return ['`kwargs` must be an object of kwarg declarations'];
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const type = (spec as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
      problems.push(`kwargs.${name}: type ${JSON.stringify(type)} is not one of ${TYPES.join(', ')}`);
      continue;
    }
    const extra = Object.keys(spec as object).filter((key) => !KEYS[type as keyof typeof KEYS].includes(key));
    if (extra.length > 0) problems.push(`kwargs.${name}: a ${type} kwarg takes ${KEYS[type as keyof typeof KEYS].join(', ')}, not ${extra.join(', ')}`);
    if (type === 'choice' && !(Array.isArray((spec as { values?: unknown }).values) && (spec as { values: unknown[] }).values.every((v) => typeof v === 'string'))) {
      problems.push(`kwargs.${name}: a choice needs values: a list of strings`);
    }
  }
  return problems;
}

/** The kwargs schema of a declaration (already free of kwargSpecProblems), named for messages. */
export function kwargsSchemaFromSpecs(owner: KwargsOwner, specs: KwargSpecs): KwargsSchema<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(specs)) shape[name] = fieldOf(spec);
  return kwargsSchema(owner, shape) as KwargsSchema<Record<string, unknown>>;
}

function fieldOf(spec: KwargSpec): z.ZodType {
  const base = baseOf(spec);
  // Absent (or YAML `~`) is "not given": the default, else a problem only when required.
  const field = 'default' in spec && spec.default !== undefined ? base.default(spec.default as never) : spec.required ? base : base.optional();
  return z.preprocess(spec.type === 'integer' || spec.type === 'number' ? numberFromText : absentWhenNull, field);
}

/** The field's type with its bounds; each error message is what it allows (the problem message quotes it). */
function baseOf(spec: KwargSpec): z.ZodType {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const noun = spec.type === 'integer' ? 'an integer' : 'a number';
      const allowed =
        spec.min !== undefined && spec.max !== undefined
          ? `${noun} from ${spec.min.toLocaleString('en-US')} to ${spec.max.toLocaleString('en-US')}`
          : spec.min !== undefined
            ? `${noun} ≥ ${spec.min.toLocaleString('en-US')}`
            : spec.max !== undefined
              ? `${noun} ≤ ${spec.max.toLocaleString('en-US')}`
              : noun;
      let number = z.number({ error: allowed });
      if (spec.type === 'integer') number = number.int({ error: allowed });
      if (spec.min !== undefined) number = number.min(spec.min, { error: allowed });
      if (spec.max !== undefined) number = number.max(spec.max, { error: allowed });
      return number;
    }
    case 'string':
      return z.string({ error: 'a string' });
    case 'boolean':
      return z.boolean({ error: 'true or false' });
    case 'choice': {
      const allowed = `one of ${spec.values.join(', ')}`;
      return z.enum(spec.values as [string, ...string[]], { error: allowed });
    }
    case 'string_list':
      return z.array(z.string({ error: 'a list of strings' }), { error: 'a list of strings' });
    case 'any':
      return z.unknown().refine((value) => value !== undefined, { error: 'a value' });
  }
}

/** YAML `~` means "not given". */
const absentWhenNull = (value: unknown): unknown => (value === null ? undefined : value);
/** Numbers may arrive as text (a `${VAR}` in the config): `"100"` is 100. */
const numberFromText = (value: unknown): unknown => {
  const present = absentWhenNull(value);
  return typeof present === 'string' && present.trim() !== '' && Number.isFinite(Number(present)) ? Number(present) : present;
};

/**
 * A helper's kwargs parsed with its declaration, named `name` in messages: a StressError
 * (INPUT / CHECK) for a broken declaration or the first problem of the kwargs.
 */
export function parseDeclaredKwargs(kind: 'input' | 'check', name: string, specs: KwargSpecs, kwargs: JsonObject): JsonObject {
  const problems = kwargSpecProblems(specs);
  if (problems.length > 0) {
    throw new StressError(kind === 'input' ? 'INPUT' : 'CHECK', `${kind} ${name} declares invalid kwargs: ${problems.join('; ')}`, {
      hint: 'Each kwarg is {type: integer | number | string | boolean | choice | string_list | any, default?, required?, min?, max?, values?}.',
    });
  }
  return kwargsSchemaFromSpecs({ kind, name }, specs).parse(kwargs) as JsonObject;
}

/**
 * Wraps a helper's factory so it parses its kwargs with its declaration first. A broken
 * declaration rejects when the factory is called, not when the module loads: the helper
 * module's other exports keep working.
 */
export function declared<C, R>(kind: 'input' | 'check', specs: KwargSpecs, factory: (kwargs: JsonObject, context: C) => Promise<R>) {
  const wrapped = (kwargs: JsonObject, context: C): Promise<R> => {
    try {
      return factory(parseDeclaredKwargs(kind, `(helper ${kind})`, specs, kwargs), context);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return Object.assign(wrapped, { kwargsSpecs: specs });
}

/** The kwargs declaration a helper factory carries, if any. */
export function kwargsSpecsOf(factory: unknown): KwargSpecs | undefined {
  const specs = (factory as { kwargsSpecs?: unknown } | undefined)?.kwargsSpecs;
  return specs !== null && typeof specs === 'object' ? (specs as KwargSpecs) : undefined;
}
