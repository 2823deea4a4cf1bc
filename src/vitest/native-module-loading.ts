import { isCompiledModule } from '../sibling-module-url.ts';
import { tsxLoaderUrl } from '../tsx-api-url.ts';

// Once per process: the plugin's config hook runs again for every project it is in.
const REGISTERED_KEY = Symbol.for('jina-stress.tsxRegistered');

/**
 * Vitest settings under which the suite worker and the main process load our modules with
 * Node's own loader (`import`) rather than Vite's module runner. The runner fetches,
 * transforms and evaluates one module at a time, each transform a round trip to the main
 * process: ~1.5 s of every run's start for the suite's ~110 modules on the project machine,
 * against ~0.4–0.9 s through Node's loader (bench/startup/startup-time.ts; docs/benchmarks.md,
 * "Round 4: start-up"). The suite uses nothing the runner alone gives (`vi.mock`,
 * `import.meta.vitest`), and Vitest then skips its Node loader hooks too (`nodeLoader`, which
 * Node 20 has no `module.registerHooks` for anyway).
 *
 * The compiled package is JavaScript Node reads as it is. From the sources, tsx's loader reads
 * the TypeScript (esbuild, with its on-disk cache): registered in this process for global
 * setup and the reporters, and given to the worker with `--import`.
 */
export async function nativeModuleLoading(pluginModuleUrl: string): Promise<{ experimental?: object; execArgv?: string[] }> {
  const experimental = { viteModuleRunner: false, nodeLoader: false };
  if (isCompiledModule(pluginModuleUrl)) return { experimental };
  const store = globalThis as Record<symbol, boolean | undefined>;
  if (!store[REGISTERED_KEY]) {
    const { register } = await import('tsx/esm/api');
    register();
    store[REGISTERED_KEY] = true;
  }
  return { experimental, execArgv: ['--import', tsxLoaderUrl()] };
}
