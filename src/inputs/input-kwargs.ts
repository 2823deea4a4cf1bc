import { StressError } from '../errors.ts';
import type { JsonObject, JsonValue } from '../protocol/json-value.ts';

/**
 * Typed reads of an input's kwargs. Unknown kwargs are errors (a typo must not silently fall
 * back to a default); every message names the input, the kwarg, the value and what is allowed.
 */
export class InputKwargs {
  private readonly used = new Set<string>();

  constructor(
    private readonly input: string,
    private readonly kwargs: JsonObject,
  ) {}

  private raw(key: string): JsonValue | undefined {
    this.used.add(key);
    const value = this.kwargs[key];
    return value === null ? undefined : value;
  }

  integer(key: string, fallback: number, min = 0): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min) throw this.invalid(key, value, `an integer ≥ ${min}`);
    return number;
  }

  optionalInteger(key: string, min = 0): number | undefined {
    return this.raw(key) === undefined ? undefined : this.integer(key, min, min);
  }

  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw this.invalid(key, value, 'a non-empty string');
    return value;
  }

  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key) ?? fallback;
    if (!allowed.includes(value as T)) throw this.invalid(key, value, `one of ${allowed.join(', ')}`);
    return value as T;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw this.invalid(key, value, 'true or false');
    return value;
  }

  integerList(key: string, fallback: readonly number[]): number[] {
    const value = this.raw(key);
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value) || value.length === 0 || !value.every((item) => Number.isInteger(item) && (item as number) > 0)) {
      throw this.invalid(key, value, 'a list of positive integers');
    }
    return value as number[];
  }

  /** The first of several spellings that is present (the seed said `dataset_path`). */
  firstString(keys: readonly string[]): string | undefined {
    for (const key of keys) {
      const value = this.string(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Call after reading: reports kwargs nobody read. */
  rejectUnknown(): void {
    const unknown = Object.keys(this.kwargs).filter((key) => !this.used.has(key));
    if (unknown.length === 0) return;
    throw new StressError('INPUT', `input ${this.input}: unknown kwarg(s) ${unknown.join(', ')}`, {
      hint: `${this.input} accepts: ${[...this.used].join(', ')}.`,
    });
  }

  invalid(key: string, value: unknown, allowed: string): StressError {
    return new StressError('INPUT', `input ${this.input}: ${key} = ${JSON.stringify(value)} is not ${allowed}`, {
      hint: `Set kwargs.${key} to ${allowed}.`,
    });
  }
}
