import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { buildConfigSchema, EXTENSION_KEY_PATTERN } from './config-schema.ts';

type JsonSchema = Record<string, unknown>;

/** `${VAR}` or `${VAR:-default}` as the whole value: what validate turns into a number or boolean. */
export const WHOLE_ENV_REFERENCE = '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\\}$';
/** A reference anywhere in a string: validate checks the string after interpolating it. */
export const ANY_ENV_REFERENCE = '\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\\}';

/** Where the published package's schema can be fetched; the version pins its shape. */
export function schemaId(version: string): string {
  return `https://unpkg.com/jina-stress@${version}/schema/jina-stress.schema.json`;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * The JSON Schema of a config (for editors), generated from the very zod schemas that
 * validate configs: the input side, so it describes the YAML as written (snake_case, with
 * defaults). Checks that need the file system (paths exist) are not in it. Post-processed so
 * that it accepts what `validate` accepts before types are checked: `${VAR}` references.
 */
export function configJsonSchema(): JsonSchema {
  // Paths are only checked when parsing; the JSON Schema never parses.
  const schema = buildConfigSchema({ configDir: '.', cwd: '.' });
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const { $schema, ...rest } = acceptEnvReferences(json) as JsonSchema;
  return { $schema, $id: schemaId(packageVersion()), title: 'jina-stress config', ...rest, patternProperties: { [EXTENSION_KEY_PATTERN]: {} } };
}

/** The file's exact text, so a test can tell whether the committed schema is current. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

// Keywords whose values are schemas, or maps / lists of schemas. Not propertyNames: keys are
// never interpolated.
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs'] as const;
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SCHEMA_VALUES = ['items', 'additionalProperties', 'not'] as const;
// Annotations stay on the outside, where editors look for them.
const ANNOTATIONS = ['description', 'default', 'title', 'examples', 'deprecated'] as const;

/**
 * Lets every value `validate` would accept as a `${VAR}` reference pass: numbers, integers
 * and booleans accept a whole reference (validate coerces it); strings constrained by an
 * enum, const or pattern accept a string containing one (validate checks the interpolated
 * text). `method`, which picks the step kind, stays literal: a reference there would make
 * every kind match.
 */
export function acceptEnvReferences(node: unknown, key?: string): unknown {
  if (Array.isArray(node)) return node.map((item) => acceptEnvReferences(item));
  if (node === null || typeof node !== 'object') return node;
  const schema: JsonSchema = { ...(node as JsonSchema) };
  for (const keyword of SCHEMA_MAPS) {
    const map = schema[keyword];
    if (map && typeof map === 'object') {
      schema[keyword] = Object.fromEntries(Object.entries(map).map(([name, child]) => [name, acceptEnvReferences(child, keyword === 'properties' ? name : undefined)]));
    }
  }
  for (const keyword of SCHEMA_LISTS) if (Array.isArray(schema[keyword])) schema[keyword] = (schema[keyword] as unknown[]).map((child) => acceptEnvReferences(child, key));
  for (const keyword of SCHEMA_VALUES) if (schema[keyword] && typeof schema[keyword] === 'object') schema[keyword] = acceptEnvReferences(schema[keyword]);
  if (key === 'method') return schema;
  const reference = referenceAccepted(schema);
  if (!reference) return schema;
  const outer: JsonSchema = {};
  const inner: JsonSchema = {};
  for (const [name, value] of Object.entries(schema)) ((ANNOTATIONS as readonly string[]).includes(name) ? outer : inner)[name] = value;
  return { ...outer, anyOf: [inner, { type: 'string', pattern: reference }] };
}

/** The pattern a `${VAR}` must match to stand for this leaf, or undefined if it needs none. */
function referenceAccepted(schema: JsonSchema): string | undefined {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const literals = [...(Array.isArray(schema.enum) ? schema.enum : []), ...('const' in schema ? [schema.const] : [])];
  if (types.includes('string') && literals.length === 0 && schema.pattern === undefined && schema.format === undefined) return undefined;
  if (types.some((type) => type === 'number' || type === 'integer' || type === 'boolean')) return WHOLE_ENV_REFERENCE;
  if (literals.some((literal) => typeof literal !== 'string')) return WHOLE_ENV_REFERENCE;
  if (literals.length > 0 || schema.pattern !== undefined || schema.format !== undefined) return ANY_ENV_REFERENCE;
  return undefined;
}
