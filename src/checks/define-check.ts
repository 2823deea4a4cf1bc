import type { CheckFactory } from './check.ts';

/**
 * Declares a user check for `helpers/checks.ts`: export it under the name configs use in
 * `on_always: {method: <name>, kwargs}`. The factory runs once per step (validate kwargs
 * there); the Check it returns runs on every successful response and returns violations.
 *
 * ```ts
 * // helpers/checks.ts
 * import { defineCheck } from 'jina-stress';
 * export const has_matches = defineCheck(async () => ({ response }) =>
 *   response.docs.some((doc) => !doc.matches?.length)
 *     ? [{ requestId: response.header.requestId, message: 'a document without matches' }]
 *     : []);
 * ```
 */
export function defineCheck(factory: CheckFactory): CheckFactory {
  return factory;
}
