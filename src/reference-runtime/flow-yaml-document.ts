import { CORE_SCHEMA, defineMappingTag, load, mergeTag, YAMLException } from 'js-yaml';
import { StressError } from '../errors.ts';
import { FlowIssues, isPlainObject, joinPath } from './flow-issues.ts';

/**
 * Jina's YAML (JAML) marks a mapping's class with a local tag: `!Flow`, `!NumpyIndexer`.
 * Any `!Name` mapping loads as a plain object with `jtype: Name`, which is what the 3.x
 * spelling (`jtype: Name`) gives too, so the readers see one shape.
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

const schema = CORE_SCHEMA.withTags(mergeTag, classTag);

/** Parses one YAML document; syntax errors become FLOW_YAML with line:column. */
export function parseYamlDocument(text: string, source: string): unknown {
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

// Jina 3's `${{ ENV.NAME }}` (JAML); `ENV` in any case, spaces optional.
const environmentExpression = /\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/gi;

/**
 * Replaces `${{ ENV.X }}` in every string of a parsed document. A string that is only the
 * expression takes the variable's YAML type (`port: ${{ ENV.PORT }}` becomes a number), as
 * Jina parses argument values after expanding them. Unset variables are reported.
 */
export function resolveEnvironment(
  value: unknown,
  environment: Readonly<Record<string, string | undefined>>,
  issues: FlowIssues,
  path = '',
): unknown {
  if (typeof value === 'string') return resolveString(value, environment, issues, path);
  if (Array.isArray(value)) return value.map((item, index) => resolveEnvironment(item, environment, issues, joinPath(path, index)));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveEnvironment(item, environment, issues, joinPath(path, key));
    return out;
  }
  return value;
}

function resolveString(
  text: string,
  environment: Readonly<Record<string, string | undefined>>,
  issues: FlowIssues,
  path: string,
): unknown {
  if (!text.includes('${{')) return text;
  const lookup = (name: string): string | undefined => {
    const found = environment[name];
    if (found === undefined) issues.add(path, `\${{ ENV.${name} }} is not set in the Flow's environment`);
    return found;
  };
  const whole = /^\s*\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$/i.exec(text);
  // An unset whole value becomes absent, so the one problem is not reported twice.
  if (whole?.[1]) {
    const found = lookup(whole[1]);
    return found === undefined ? undefined : typedScalar(found);
  }
  return text.replace(environmentExpression, (_match, name: string) => lookup(name) ?? '');
}

function typedScalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return text;
}
