import type { JsonObject } from '../protocol/json-value.ts';

/** The key the client reserves and the gateway fills with executors' returned dicts. */
export const RESULTS_KEY = '__results__';

/**
 * What one executor sees of the request parameters, as Jina's `_parse_specific_params`
 * does: `name__key: v` becomes `key: v` for executor `name` and disappears for the others;
 * a `name: {...}` mapping is merged over the rest for executor `name`.
 */
export function parametersFor(parameters: JsonObject, executor: string): JsonObject {
  const narrowed: JsonObject = {};
  for (const [key, value] of Object.entries(parameters)) {
    const specific = specificKey(key);
    if (!specific) narrowed[key] = value;
  }
  for (const [key, value] of Object.entries(parameters)) {
    const specific = specificKey(key);
    if (specific && specific.executor === executor) narrowed[specific.key] = value;
  }
  const own = parameters[executor];
  if (own && typeof own === 'object' && !Array.isArray(own)) Object.assign(narrowed, own);
  return narrowed;
}

/** `encoder__top_k` → {executor: encoder, key: top_k}; dunder names like `__results__` are not. */
function specificKey(key: string): { executor: string; key: string } | undefined {
  if (key.startsWith('__') || key.endsWith('__')) return undefined;
  const at = key.indexOf('__');
  if (at <= 0) return undefined;
  return { executor: key.slice(0, at), key: key.slice(at + 2) };
}
