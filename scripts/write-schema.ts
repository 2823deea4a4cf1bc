// Writes schema/jina-stress.schema.json from src/config's zod schemas (`npm run schema`).
// Commit the result; tests/config fails when it is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from '../src/config/config-json-schema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'schema', 'jina-stress.schema.json');
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
