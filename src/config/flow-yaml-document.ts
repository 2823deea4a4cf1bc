import { CORE_SCHEMA, defineMappingTag, defineScalarTag, defineSequenceTag, load, mergeTag, YAMLException } from 'js-yaml';
import { StressError } from '../errors.ts';

/**
 * Jina's YAML (JAML) marks a mapping's class with a local tag: `!Flow`, `!NumpyIndexer`. Any
 * `!Name` mapping loads as a plain object with `jtype: Name` (what the 3.x spelling
 * `jtype: Name` gives), so readers see one shape; tagged sequences and scalars load as the
 * plain values they decorate.
 */
const classTag = defineMappingTag<Record<string, unknown>>('!', {
  matchByTagPrefix: true,
  create: (tagName) => ({ jtype: tagName.slice(1) }),
  addPair: (carrier, key, value) => {
    carrier[String(key)] = value;
    return '';
  },
  has: (carrier, key) => Object.hasOwn(carrier, String(key)),
  keys: (result) => Object.keys(result),
  get: (result, key) => result[String(key)],
  identify: () => false,
});

const taggedSequence = defineSequenceTag<unknown[]>('!', {
  matchByTagPrefix: true,
  create: () => [],
  addItem: (carrier, item) => void carrier.push(item),
  identify: () => false,
});

const taggedScalar = defineScalarTag<string>('!', { matchByTagPrefix: true, resolve: (source) => source, identify: () => false });

// Merge keys (`<<: *defaults`) appear in Flow files too; js-yaml 5 needs them enabled.
const schema = CORE_SCHEMA.withTags(mergeTag, classTag, taggedSequence, taggedScalar);

/**
 * Parses a Flow (or executor) YAML file: the one reader of Jina's YAML in the project, used
 * by the agent and the reference runtime alike (variables: see flow-yaml-variables.ts).
 * Syntax errors become FLOW_YAML with `source:line:column`, without the source excerpt.
 */
export function parseFlowYaml(text: string, source: string): unknown {
  try {
    return load(text, { schema, filename: source });
  } catch (error) {
    if (error instanceof YAMLException) {
      const where = error.mark ? `:${error.mark.line + 1}:${error.mark.column + 1}` : '';
      throw new StressError('FLOW_YAML', `${source}${where}: ${error.reason}`, {
        hint: 'The file is not valid YAML. Mustache `{{ }}` must be rendered before the Flow starts.',
        cause: error,
      });
    }
    throw error;
  }
}
