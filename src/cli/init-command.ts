import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_CODES } from '../exit-codes.ts';
import { STARTER_FILES } from './starter-files.ts';

const USAGE = `usage: jina-stress init [dir]

Writes a starter project into dir (default: the current folder): stress.yaml (one job that
indexes and queries a Flow on the embedded agent, with the JSON Schema modeline for editors),
flows/search.yml and vitest.config.ts. Refuses to overwrite any file that exists.
Then: npx vitest run`;

export async function initCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT_CODES.invalid;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return EXIT_CODES.ok;
  }
  if (parsed.positionals.length > 1) {
    console.error(USAGE);
    return EXIT_CODES.invalid;
  }
  const dir = resolve(parsed.positionals[0] ?? '.');
  const existing = Object.keys(STARTER_FILES).filter((file) => existsSync(join(dir, file)));
  if (existing.length > 0) {
    console.error(`jina-stress init: not overwriting ${existing.join(', ')} in ${dir}; nothing written`);
    return EXIT_CODES.invalid;
  }
  for (const [file, text] of Object.entries(STARTER_FILES)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text, { flag: 'wx' });
    console.log(`wrote ${file}`);
  }
  console.log('\nnext: npx jina-stress validate stress.yaml && npx vitest run');
  return EXIT_CODES.ok;
}
