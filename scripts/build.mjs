// `npm run build` (and `npm pack` through prepack): a clean dist/ from tsconfig.build.json,
// plus the .proto files the protocol layer reads at run time (tsc copies only what it compiles).
// Plain JavaScript so that it runs with nothing but Node and the dev dependencies.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const { status } = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (status !== 0) process.exit(status ?? 1);
cpSync(new URL('../src/protocol/proto', import.meta.url), new URL('../dist/protocol/proto', import.meta.url), { recursive: true });
