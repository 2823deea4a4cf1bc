import { z } from 'zod';
import { closestMatch } from '../config/did-you-mean.ts';
import { StressError } from '../errors.ts';
import type { JsonObject } from '../protocol/json-value.ts';

/** Whose kwargs: an input (`inputs:`) or a check (`on_always:`), by the name configs use. */
export interface KwargsOwner {
  kind: 'input' | 'check';
  name: string;
}

/** One thing wrong with a call's kwargs, at the kwarg it is about. */
export interface KwargsProblem {
  key: string;
  /** The kwarg itself is the problem (not its value): it is unknown. */
  isUnknown: boolean;
  message: string;
  hint: string;
}

/** Reports a problem of the kwargs as a whole (two keys that go together, a key that is required). */
export type KwargsRefinement<T> = (args: T, report: (key: string, allowed: string) => void) => void;

/**
 * The kwargs an input or check accepts, declared next to it: what validation checks before a
 * run (a typo in a kwarg name is a config problem) and what the input or check parses when it
 * is created. Unknown kwargs are errors: a typo must not silently fall back to a default.
 */
export interface KwargsSchema<T> {
  readonly owner: KwargsOwner;
  /** Every kwarg it accepts. */
  readonly keys: readonly string[];
  /** Every problem, value problems first; empty when the kwargs are valid. */
  check(kwargs: JsonObject): KwargsProblem[];
  /** The typed kwargs, or a StressError (INPUT / CHECK) for the first problem. */
  parse(kwargs: JsonObject): T;
}


/**
 * A kwargs schema from zod fields built with `kwarg` (each field's error message says what
 * is allowed, so a problem reads `input random_images: dtype = "int64" is not one of uint8,
 * float32`).
 */
export function kwargsSchema<S extends z.ZodRawShape>(
  owner: KwargsOwner,
  shape: S,
  refine?: KwargsRefinement<z.output<z.ZodObject<S>>>,
): KwargsSchema<z.output<z.ZodObject<S>>> {
  const schema = z.strictObject(shape);
  const keys = Object.keys(shape);
  const label = `${owner.kind} ${owner.name}`;
  const problemOf = (key: string, value: unknown, allowed: string): KwargsProblem => ({
    key,
    isUnknown: false,
    message: value === undefined ? `${label}: ${key} is required: ${allowed}` : `${label}: ${key} = ${JSON.stringify(value)} is not ${allowed}`,
    hint: `Set kwargs.${key} to ${allowed}.`,
  });
  const check = (kwargs: JsonObject): KwargsProblem[] => {
    const result = schema.safeParse(kwargs);
    const problems: KwargsProblem[] = [];
    const unknown: string[] = [];
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (issue.code === 'unrecognized_keys') unknown.push(...issue.keys);
        else {
          // One problem per kwarg, however many of its items are wrong.
          const key = String(issue.path[0] ?? '');
          if (!problems.some((problem) => problem.key === key)) problems.push(problemOf(key, kwargs[key], issue.message));
        }
      }
    } else if (refine) {
      refine(result.data, (key, allowed) => problems.push(problemOf(key, kwargs[key], allowed)));
    }
    for (const key of unknown) {
      const match = closestMatch(key, keys);
      const accepts = `${owner.name} accepts: ${keys.join(', ')}.`;
      problems.push({ key, isUnknown: true, message: `${label}: unknown kwarg(s) ${key}`, hint: match ? `did you mean "${match}"? ${accepts}` : accepts });
    }
    return problems;
  };
  return {
    owner,
    keys,
    check,
    parse(kwargs) {
      const problems = check(kwargs);
      const code = owner.kind === 'input' ? 'INPUT' : 'CHECK';
      const value = problems.find((problem) => !problem.isUnknown);
      if (value) throw new StressError(code, value.message, { hint: value.hint });
      if (problems.length > 0) {
        const names = problems.map((problem) => problem.key).join(', ');
        const hint = problems.length === 1 ? problems[0]!.hint : `${owner.name} accepts: ${keys.join(', ')}.`;
        throw new StressError(code, `${label}: unknown kwarg(s) ${names}`, { hint });
      }
      return schema.parse(kwargs);
    },
  };
}

/** A factory that parses its kwargs with `schema` first, and carries the schema for validation. */
export type WithKwargs<F, T> = F & { readonly kwargs: KwargsSchema<T> };

/**
 * Binds an input's or check's factory to its kwargs schema: the factory gets the parsed kwargs,
 * and the schema rides along (`factory.kwargs`) for config validation.
 */
export function withKwargs<T, C, R>(
  schema: KwargsSchema<T>,
  create: (args: T, context: C) => Promise<R>,
): WithKwargs<(kwargs: JsonObject, context: C) => Promise<R>, T> {
  const factory = (kwargs: JsonObject, context: C): Promise<R> => {
    try {
      return create(schema.parse(kwargs), context);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return Object.assign(factory, { kwargs: schema });
}

/** The schema of a factory made by withKwargs, if it is one (user helpers may not be). */
export function kwargsSchemaOf(factory: unknown): KwargsSchema<unknown> | undefined {
  const candidate = (factory as { kwargs?: unknown } | undefined)?.kwargs;
  return candidate !== null && typeof candidate === 'object' && 'check' in candidate ? (candidate as KwargsSchema<unknown>) : undefined;
}

