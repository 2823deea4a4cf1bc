import { StressError } from '../../errors.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { ExecutorSetup } from './simulated-executor.ts';

/**
 * Typed reads of an executor's `uses_with`. A wrong value stops the Flow from starting
 * with a FLOW_YAML error naming the deployment, the key, the value and what is allowed.
 */
export class ExecutorOptions {
  constructor(private readonly setup: ExecutorSetup) {}

  raw(key: string): JsonValue | undefined {
    const value = this.setup.usesWith[key];
    return value === null ? undefined : value;
  }

  number(key: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const number = typeof value === 'string' ? Number(value) : value;
    const { min = -Infinity, max = Infinity } = range;
    if (typeof number !== 'number' || !Number.isFinite(number) || number < min || number > max) {
      throw this.invalid(key, value, `a number in [${min}, ${max}]`);
    }
    return number;
  }

  integer(key: string, fallback: number, min = 0): number {
    const number = this.number(key, fallback, { min });
    if (!Number.isInteger(number)) throw this.invalid(key, number, `an integer ≥ ${min}`);
    return number;
  }

  optionalInteger(key: string, min = 0): number | undefined {
    return this.raw(key) === undefined ? undefined : this.integer(key, min, min);
  }

  string(key: string, fallback: string): string {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '') throw this.invalid(key, value, 'a non-empty string');
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw this.invalid(key, value, 'true or false');
  }

  stringList(key: string, fallback: readonly string[]): string[] {
    const value = this.raw(key);
    if (value === undefined) return [...fallback];
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((item): item is string => typeof item === 'string' && item !== '')) {
      throw this.invalid(key, value, 'a string or a list of strings');
    }
    return list;
  }

  invalid(key: string, value: unknown, allowed: string): StressError {
    const { deployment, className } = this.setup;
    return new StressError(
      'FLOW_YAML',
      `executor "${deployment}" (${className}): uses_with.${key} = ${JSON.stringify(value)} is not ${allowed}`,
      { hint: `Set uses_with.${key} to ${allowed}.` },
    );
  }
}
