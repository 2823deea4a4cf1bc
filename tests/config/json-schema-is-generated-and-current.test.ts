import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { configJsonSchema, configJsonSchemaText } from '../../src/config/config-json-schema.ts';
import { STEP_KINDS } from '../../src/config/step-kinds.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type JsonSchema = { properties?: Record<string, JsonSchema>; additionalProperties?: JsonSchema | boolean; items?: { oneOf?: JsonSchema[] }; const?: string; default?: unknown };

describe('schema/jina-stress.schema.json', () => {
  test('is exactly what `npm run schema` writes now (commit it after changing src/config)', () => {
    const committed = readFileSync(path.join(root, 'schema/jina-stress.schema.json'), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
  });

  test('describes every step kind as a closed object with the YAML spelling and defaults', () => {
    const schema = configJsonSchema() as JsonSchema;
    const job = schema.properties?.jobs?.additionalProperties as JsonSchema;
    const steps = job.properties?.steps?.items?.oneOf ?? [];
    expect(steps.map((step) => step.properties?.method?.const)).toEqual(STEP_KINDS);
    for (const step of steps) expect(step.additionalProperties).toBe(false);
    const query = steps.find((step) => step.properties?.method?.const === 'query');
    expect(query?.properties?.num_clients?.default).toBe(1);
    expect(query?.properties?.top_k?.default).toBe(10);
    expect(query?.properties?.numClients).toBeUndefined();
  });
});
