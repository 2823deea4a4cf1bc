import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT_CODES } from '../exit-codes.ts';
import { parseCommandLine } from './parse-command-line.ts';

const USAGE = `usage: jina-stress merge <dir…>

Merges the blob reports of several generators (each ran STRESS_SEGMENT=i/n npx vitest run
--reporter=blob) into one result: runs this project's \`vitest --merge-reports\` over every
.json blob found in the folders given (and their subfolders, as CI artifacts unpack).
Exit: the merged verdict (0 passed, 1 failed or a segment missing), 2 no blobs (or bad usage).`;

/** `vitest --merge-reports` for users not used to Vitest's flags: blobs from many folders. */
export async function mergeCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, {}, USAGE);
  if (parsed.status === 'exit') return parsed.code;
  if (parsed.positionals.length === 0) {
    console.error(`name the folders holding the generators' blob reports\n\n${USAGE}`);
    return EXIT_CODES.invalid;
  }
  const blobs = (await Promise.all(parsed.positionals.map((dir) => findBlobs(resolve(dir))))).flat();
  if (blobs.length === 0) {
    console.error(`no blob reports (*.json) in ${parsed.positionals.join(', ')}\n\n${USAGE}`);
    return EXIT_CODES.invalid;
  }
  // Vitest merges one folder: the blobs are gathered into one, numbered so names never clash.
  const gathered = await mkdtemp(join(tmpdir(), 'jina-stress-merge-'));
  try {
    await Promise.all(blobs.map((blob, position) => copyFile(blob, join(gathered, `${position}-${basename(blob)}`))));
    // The project's own Vitest (its version wrote the blobs), started as its bin does.
    const vitest = join(dirname(createRequire(join(process.cwd(), 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
    return await new Promise<number>((resolvePromise, reject) => {
      const child = spawn(process.execPath, [vitest, `--merge-reports=${gathered}`], { stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', (code) => resolvePromise(code ?? EXIT_CODES.failed));
    });
  } finally {
    await rm(gathered, { recursive: true, force: true });
  }
}

async function findBlobs(dir: string): Promise<string[]> {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findBlobs(path)));
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(path);
  }
  return found;
}
