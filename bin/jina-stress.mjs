#!/usr/bin/env node
// The `jina-stress` command. From the published package: the compiled CLI in dist/. From a
// checkout of the repository (src/ is there; the package does not ship it): the TypeScript
// sources through tsx, so contributors need no build.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const start = existsSync(sources)
  ? import('tsx/esm/api').then(({ register }) => {
      register();
      return import(sources.href);
    })
  : import('../dist/cli/main.js');
start.then(async ({ main }) => {
  process.exitCode = await main(process.argv.slice(2));
});
