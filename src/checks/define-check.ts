import { declared, type KwargSpecs } from '../kwargs/kwarg-spec.ts';
import type { CheckFactory } from './check.ts';

/**
 * Declares a user check for `helpers/checks.ts`: export it under the name configs use in
 * `on_always: {method: <name>, kwargs}`. The factory runs once per step; the Check it returns
 * runs on every successful response and returns violations.
 *
 * ```ts
 * // helpers/checks.ts
 * import { defineCheck } from 'jina-stress';
 * export const has_matches = defineCheck(
 *   { kwargs: { min: { type: 'integer', min: 1, default: 1 } } },
 *   async ({ min }) => ({ response }) =>
 *     response.docs.some((doc) => (doc.matches?.length ?? 0) < (min as number))
 *       ? [{ requestId: response.header.requestId, message: `a document with fewer than ${min} matches` }]
 *       : [],
 * );
 * ```
 *
 * With `kwargs` declared (src/kwargs/kwarg-spec.ts), `validate` checks a config's kwargs
 * against it before anything runs (read from the source as a literal) and the factory gets
 * them parsed; without, the factory gets them as written.
 */
export function defineCheck(factory: CheckFactory): CheckFactory;
export function defineCheck(options: { kwargs: KwargSpecs }, factory: CheckFactory): CheckFactory & { readonly kwargsSpecs: KwargSpecs };
export function defineCheck(first: CheckFactory | { kwargs: KwargSpecs }, factory?: CheckFactory): CheckFactory {
  if (typeof first === 'function') return first;
  return declared('check', first.kwargs, factory!);
}
