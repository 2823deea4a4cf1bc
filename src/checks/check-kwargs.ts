import { StressError } from '../errors.ts';
import type { JsonObject, JsonValue } from '../protocol/json-value.ts';

/**
 * Typed reads of a check's kwargs; unknown kwargs are CHECK errors raised when the check is
 * created (before any load), each naming the check, the kwarg, the value and what is allowed.
 */
export class CheckKwargs {
  private readonly used = new Set<string>();

  constructor(
    private readonly check: string,
    private readonly kwargs: JsonObject,
  ) {}

  raw(key: string): JsonValue | undefined {
    this.used.add(key);
    const value = this.kwargs[key];
    return value === null ? undefined : value;
  }

  optionalInteger(key: string, min = 0): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw this.invalid(key, value, `an integer ≥ ${min}`);
    return value;
  }

  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key) ?? fallback;
    if (!allowed.includes(value as T)) throw this.invalid(key, value, `one of ${allowed.join(', ')}`);
    return value as T;
  }

  /** A list whose items are a tag name, or a list of alternative names (any one suffices). */
  tagRequirements(key: string, fallback: string[][]): string[][] {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) => {
      const names = Array.isArray(item) ? item : [item];
      if (names.length === 0 || !names.every((name) => typeof name === 'string' && name !== '')) {
        throw this.invalid(key, value, 'a list of tag names (an inner list means "any of these")');
      }
      return names as string[];
    });
  }

  /** Accepted for the seed's configs, unused (the seed logged them). */
  ignore(...keys: string[]): void {
    for (const key of keys) this.used.add(key);
  }

  rejectUnknown(): void {
    const unknown = Object.keys(this.kwargs).filter((key) => !this.used.has(key));
    if (unknown.length === 0) return;
    throw new StressError('CHECK', `check ${this.check}: unknown kwarg(s) ${unknown.join(', ')}`, {
      hint: `${this.check} accepts: ${[...this.used].join(', ')}.`,
    });
  }

  invalid(key: string, value: unknown, allowed: string): StressError {
    return new StressError('CHECK', `check ${this.check}: ${key} = ${JSON.stringify(value)} is not ${allowed}`, {
      hint: `Set kwargs.${key} to ${allowed}.`,
    });
  }
}
