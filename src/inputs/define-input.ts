import type { InputFactory } from './input-source.ts';

/**
 * Declares a user input for `helpers/inputs.ts`: export it under the name configs use in
 * `inputs: {method: <name>, kwargs}`.
 *
 * ```ts
 * // helpers/inputs.ts
 * import { defineInput } from 'jina-stress';
 * export const product_titles = defineInput(async (kwargs, context) => ({ name: 'product_titles', size: 2, take: ... }));
 * ```
 *
 * It returns the factory unchanged: its job is the type check (kwargs and context typed,
 * the result an InputSource).
 */
export function defineInput(factory: InputFactory): InputFactory {
  return factory;
}
