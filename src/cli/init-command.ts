import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EXIT_CODES } from '../exit-codes.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { STARTER_FILES, VITEST_CONFIG_NAMES } from './starter-files.ts';

const USAGE = `usage: jina-stress init [dir]

Writes a starter project into dir (default: the current folder): stress.yaml (one job that
indexes and queries a Flow on the embedded agent, with the JSON Schema modeline for editors),
flows/search.yml and vitest.config.ts (vitest.config.mts in a CommonJS package, where Vite
would warn about ESM syntax in a .ts config). Writes nothing when any of them, or another
Vitest config, exists.
Then: npx vitest run`;

export async function initCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {}, USAGE);
  if (parsed.status === 'exit') return parsed.code;
  if (parsed.positionals.length > 1) {
    console.error(USAGE);
    return EXIT_CODES.invalid;
  }
  const dir = resolve(parsed.positionals[0] ?? '.');
  const files = starterFilesFor(dir);
  const existing = [...Object.keys(files), ...VITEST_CONFIG_NAMES].filter((file, index, all) => all.indexOf(file) === index && existsSync(join(dir, file)));
  if (existing.length > 0) {
    console.error(`jina-stress init: not overwriting ${existing.join(', ')} in ${dir}; nothing written`);
    return EXIT_CODES.invalid;
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text, { flag: 'wx' });
    console.log(`wrote ${file}`);
  }
  console.log('\nnext: npx jina-stress validate stress.yaml && npx vitest run');
  return EXIT_CODES.ok;
}

/** The starter files, with the Vitest config named for the package's module type. */
function starterFilesFor(dir: string): Record<string, string> {
  const { 'vitest.config.ts': vitestConfig, ...rest } = STARTER_FILES;
  return { ...rest, [isEsmPackage(dir) ? 'vitest.config.ts' : 'vitest.config.mts']: vitestConfig! };
}

function isEsmPackage(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string }).type === 'module';
  } catch {
    return false;
  }
}
