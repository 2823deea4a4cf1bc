import { tsImport } from 'tsx/esm/api';
import type { TestProject } from 'vitest/node';
import { isCompiledModule } from '../sibling-module-url.ts';

/**
 * Vitest's global setup: prepare-run.ts, loaded through tsx rather than Vitest's module
 * runner when running from the sources. The runner transforms and evaluates a module graph
 * one module at a time; for the ~150 modules preparing a run imports (config validation, the
 * step table, the embedded agent and its reference runtime) that was ~4 s of every
 * `npx vitest run` before the first step on the project machine, against ~0.6 s through tsx
 * (esbuild, Node's own loader, an on-disk transform cache). bench/startup/startup-time.ts
 * measures it. The compiled package sits in node_modules, which Vitest leaves to Node's own
 * loader: a plain import is as fast and registers nothing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { prepareRun } = isCompiledModule(import.meta.url)
    ? await import('./prepare-run.ts')
    : ((await tsImport('./prepare-run.ts', import.meta.url)) as typeof import('./prepare-run.ts'));
  return prepareRun(project);
}
