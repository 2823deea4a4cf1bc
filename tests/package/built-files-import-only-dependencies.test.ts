import { builtinModules } from 'node:module';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, expect, inject, test } from 'vitest';
import { repoRoot, runCommand } from './support/packed-install.ts';

const packed = inject('packedInstall');
const unpacked = join(packed.workDir, 'unpacked');

interface Manifest {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

beforeAll(async () => {
  await mkdir(unpacked, { recursive: true });
  const untar = await runCommand('tar', ['-xzf', packed.tarball, '-C', unpacked], unpacked);
  expect(untar.exitCode, untar.output).toBe(0);
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The package a bare specifier names: `@aws-sdk/client-s3/x` → `@aws-sdk/client-s3`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every module the file names: static and dynamic imports, plus require.resolve('x') calls. */
function specifiersOf(text: string): string[] {
  const imports = ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
  const resolved = [...text.matchAll(/\.resolve\(\s*'([^']+)'\s*\)/g)].map((match) => match[1]!);
  return [...imports, ...resolved];
}

test('what the package ships: compiled JS with .d.ts and maps, the schema, the bin; no sources or tests', async () => {
  const shipped = (await filesUnder(join(unpacked, 'package'))).map((file) => relative(join(unpacked, 'package'), file));
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/suites/stress.test.js', 'dist/protocol/proto/jina-v2.proto', 'schema/jina-stress.schema.json', 'bin/jina-stress.mjs', 'package.json', 'README.md']) {
    expect(shipped).toContain(file);
  }
  expect(shipped.filter((file) => /^(src|tests|bench|scripts|fixtures|configs)\//.test(file) || file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
});

test('every package the built files import is a dependency (or the vitest peer); no devDependency is reachable', async () => {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const allowed = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
  const builtins = new Set(builtinModules);
  const imported = new Map<string, string>();
  const files = (await filesUnder(join(unpacked, 'package/dist'))).filter((file) => file.endsWith('.js'));
  files.push(join(unpacked, 'package/bin/jina-stress.mjs'));
  for (const file of files) {
    for (const specifier of specifiersOf(await readFile(file, 'utf8'))) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      imported.set(packageOf(specifier), relative(unpacked, file));
    }
  }
  // The checks below would pass on nothing: the built files do import packages.
  expect(imported.has('@grpc/grpc-js')).toBe(true);
  const undeclared = [...imported].filter(([name]) => !allowed.has(name));
  expect(undeclared).toEqual([]);
  const fromDev = [...imported].filter(([name]) => name in manifest.devDependencies && !(name in manifest.peerDependencies));
  expect(fromDev).toEqual([]);
});

test('ranges for users in package.json, exact versions in the lock file', async () => {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  for (const [name, range] of Object.entries(manifest.dependencies)) expect(range, name).toMatch(/^[\^~]\d+\.\d+\.\d+$/);
  expect(manifest.peerDependencies.vitest).toMatch(/^\^\d+\.\d+\.\d+$/);
  const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  for (const name of Object.keys(manifest.dependencies)) expect(lock.packages[`node_modules/${name}`]?.version, name).toMatch(/^\d+\.\d+\.\d+$/);
});
