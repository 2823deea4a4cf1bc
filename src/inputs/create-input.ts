import type { NamedCall } from '../config/named-call.ts';
import { StressError } from '../errors.ts';
import { kwargsSpecsOf, parseDeclaredKwargs } from '../kwargs/kwarg-spec.ts';
import { datasetImages } from './dataset-images.ts';
import type { InputContext, InputFactory, InputSource } from './input-source.ts';
import { jsonlDocuments } from './jsonl-documents.ts';
import { mapInput } from './mapped-input.ts';
import { helperModuleCandidates, loadHelperModule } from './load-helper-module.ts';
import { randomImages } from './random-images.ts';
import { randomTexts } from './random-texts.ts';
import { schemaDocuments } from './schema-documents.ts';
import { wikipediaDocs } from './wikipedia-docs.ts';

/** Built-in data ingesters by the name configs use (`inputs: {method: <name>}`); each carries its kwargs schema. */
export const inputTable = {
  random_images: randomImages,
  random_texts: randomTexts,
  dataset_images: datasetImages,
  wikipedia_docs: wikipediaDocs,
  jsonl: jsonlDocuments,
  schema_documents: schemaDocuments,
} satisfies Record<string, InputFactory>;

/** The helper module user inputs are exported from: `helpers/inputs.{ts,mts,js,mjs}`. */
export const INPUT_HELPER_MODULE = 'inputs';

/**
 * Creates the named input: a built-in, else an export of `helpers/inputs.*` with that name.
 * An unknown name is an INPUT error listing the built-ins and the helper's exports. With
 * `map`, its documents are put into the fields of the endpoint's schema (mapped-input.ts).
 */
export async function createInput(call: NamedCall, context: InputContext): Promise<InputSource> {
  const factory = await findInputFactory(call.method, context.helpersDir);
  // A helper with a kwargs declaration: its problems named by the config's name for it.
  const specs = kwargsSpecsOf(factory);
  if (specs) parseDeclaredKwargs('input', call.method, specs, call.kwargs);
  const source = await factory(call.kwargs, context);
  if (!call.map) return source;
  try {
    return mapInput(source, call.map, context, call.method);
  } catch (error) {
    await source.close?.();
    throw error;
  }
}

export async function findInputFactory(name: string, helpersDir: string): Promise<InputFactory> {
  if (Object.hasOwn(inputTable, name)) return inputTable[name as keyof typeof inputTable];
  const helper = await loadHelperModule(helpersDir, INPUT_HELPER_MODULE);
  const exported = helper?.exports[name];
  if (typeof exported === 'function') return exported as InputFactory;
  const inHelpers = helper
    ? `${helper.file} exports: ${Object.keys(helper.exports).filter((key) => typeof helper.exports[key] === 'function').join(', ') || '(no functions)'}`
    : `no helper module (looked for ${helperModuleCandidates(helpersDir, INPUT_HELPER_MODULE).join(', ')})`;
  throw new StressError('INPUT', `unknown input "${name}"; built-in: ${Object.keys(inputTable).join(', ')}; ${inHelpers}`, {
    hint: `Use a built-in name, or export \`${name}\` from helpers/${INPUT_HELPER_MODULE}.ts with defineInput().`,
  });
}
