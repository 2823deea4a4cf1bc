#!/usr/bin/env node
// The CLI is TypeScript; tsx's loader lets it run from the package without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
