import type { JsonObject } from '../../protocol/json-value.ts';

/**
 * `top_k` from request parameters (the Python client's `top_k=`, or `limit` as newer
 * executors name it), else the executor's configured default.
 */
export function topKParameter(parameters: JsonObject, fallback: number): number {
  for (const key of ['top_k', 'limit']) {
    const value = parameters[key];
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= 0) return number;
  }
  return fallback;
}
