import { declared, type KwargSpecs } from '../kwargs/kwarg-spec.ts';
import type { InputContext, InputFactory, InputSource } from './input-source.ts';

/** A factory made by defineInput with a kwargs declaration: the declaration rides along. */
export type DeclaredInputFactory = InputFactory & { readonly kwargsSpecs: KwargSpecs };

/**
 * Declares a user input for `helpers/inputs.ts`: export it under the name configs use in
 * `inputs: {method: <name>, kwargs}`.
 *
 * ```ts
 * // helpers/inputs.ts
 * import { defineInput } from 'jina-stress';
 * export const product_titles = defineInput(
 *   { kwargs: { num_docs: { type: 'integer', min: 1, max: 10_000, default: 20 } } },
 *   async (kwargs, context) => ({ name: 'product_titles', size: 2, take: ... }),
 * );
 * ```
 *
 * With `kwargs` declared (see src/kwargs/kwarg-spec.ts), `validate` checks a config's kwargs
 * against it before anything runs — it reads the declaration from the source, so write it as
 * a literal — and the factory gets them parsed, defaults filled. Without, the factory gets
 * them as written.
 */
export function defineInput(factory: InputFactory): InputFactory;
export function defineInput(options: { kwargs: KwargSpecs }, factory: InputFactory): DeclaredInputFactory;
export function defineInput(first: InputFactory | { kwargs: KwargSpecs }, factory?: InputFactory): InputFactory {
  if (typeof first === 'function') return first;
  return declared('input', first.kwargs, factory!);
}

export type { InputContext, InputSource };
