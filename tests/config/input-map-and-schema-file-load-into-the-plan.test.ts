import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { validateConfigText } from '../../src/config/validate-config.ts';

// Issue 15: `inputs.map` and schema_documents' `schema_file` travel from the YAML into the
// step's params (the load engine reads them there); schema_file resolves like other paths.

const dir = mkdtempSync(path.join(tmpdir(), 'input-map-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('map and schema_file reach the load step\'s params', () => {
  writeFileSync(path.join(dir, 'order.schema.json'), '{"properties": {}}');
  const validation = validateConfigText(
    `jobs:
  typed:
    gateway: { host: localhost, port: 23456, protocol: websocket }
    steps:
      - method: index
        endpoint: /shout
        inputs: { method: random_texts, kwargs: { num_docs: 5 }, map: { text: text, title: tags.filename } }
      - method: index
        endpoint: /ingest
        inputs: { method: schema_documents, kwargs: { schema_file: order.schema.json } }
`,
    { configPath: path.join(dir, 'stress.yaml'), cwd: dir, env: {} },
  );
  expect(validation.status).toBe('valid');
  if (validation.status !== 'valid') return;
  const [mapped, generated] = validation.plan.jobs[0]!.steps.map((step) => (step.params as { inputs: unknown }).inputs);
  expect(mapped).toEqual({ method: 'random_texts', kwargs: { num_docs: 5 }, map: { text: 'text', title: 'tags.filename' } });
  expect(generated).toEqual({ method: 'schema_documents', kwargs: { schema_file: path.join(dir, 'order.schema.json') } });
});
