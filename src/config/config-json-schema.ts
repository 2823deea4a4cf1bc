import { z } from 'zod';
import { buildConfigSchema, EXTENSION_KEY_PATTERN } from './config-schema.ts';

/**
 * The JSON Schema of a config (for editors), generated from the very zod schemas that
 * validate configs: the input side, so it describes the YAML as written (snake_case, with
 * defaults). Checks that need the file system (paths exist) are not in it.
 */
export function configJsonSchema(): Record<string, unknown> {
  // Paths are only checked when parsing; the JSON Schema never parses.
  const schema = buildConfigSchema({ configDir: '.', cwd: '.' });
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...json, title: 'jina-stress config', patternProperties: { [EXTENSION_KEY_PATTERN]: {} } };
}

/** The file's exact text, so a test can tell whether the committed schema is current. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
