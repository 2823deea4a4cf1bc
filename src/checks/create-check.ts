import type { NamedCall } from '../config/named-call.ts';
import { StressError } from '../errors.ts';
import { kwargsSpecsOf, parseDeclaredKwargs } from '../kwargs/kwarg-spec.ts';
import { helperModuleCandidates, loadHelperModule } from '../inputs/load-helper-module.ts';
import type { Check, CheckContext, CheckFactory } from './check.ts';
import { expectFields } from './expect-fields.ts';
import { matchesSchema } from './matches-schema.ts';
import { validateImages, validateTexts } from './validate-documents.ts';

/** Built-in validators by the name configs use (`on_always: {method: <name>}`); each carries its kwargs schema. */
export const checkTable = {
  expect: expectFields,
  matches_schema: matchesSchema,
  validate_images: validateImages,
  validate_texts: validateTexts,
} satisfies Record<string, CheckFactory>;

/** The helper module user checks are exported from: `helpers/checks.{ts,mts,js,mjs}`. */
export const CHECK_HELPER_MODULE = 'checks';

/**
 * Creates the named check: a built-in, else an export of `helpers/checks.*` with that name.
 * An unknown name is a CHECK error listing the built-ins and the helper's exports.
 */
export async function createCheck(call: NamedCall, context: CheckContext): Promise<Check> {
  const factory = await findCheckFactory(call.method, context.helpersDir);
  // A helper with a kwargs declaration: its problems named by the config's name for it.
  const specs = kwargsSpecsOf(factory);
  if (specs) parseDeclaredKwargs('check', call.method, specs, call.kwargs);
  return factory(call.kwargs, context);
}

export async function findCheckFactory(name: string, helpersDir: string): Promise<CheckFactory> {
  if (Object.hasOwn(checkTable, name)) return checkTable[name as keyof typeof checkTable];
  const helper = await loadHelperModule(helpersDir, CHECK_HELPER_MODULE);
  const exported = helper?.exports[name];
  if (typeof exported === 'function') return exported as CheckFactory;
  const inHelpers = helper
    ? `${helper.file} exports: ${Object.keys(helper.exports).filter((key) => typeof helper.exports[key] === 'function').join(', ') || '(no functions)'}`
    : `no helper module (looked for ${helperModuleCandidates(helpersDir, CHECK_HELPER_MODULE).join(', ')})`;
  throw new StressError('CHECK', `unknown check "${name}"; built-in: ${Object.keys(checkTable).join(', ')}; ${inHelpers}`, {
    hint: `Use a built-in name, or export \`${name}\` from helpers/${CHECK_HELPER_MODULE}.ts with defineCheck().`,
  });
}
