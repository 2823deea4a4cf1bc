import { siblingModuleUrl } from '../sibling-module-url.ts';

type PrepareRunModule = typeof import('./prepare-run.ts');

// On globalThis: the plugin (bundled with vitest.config.ts) and global setup (loaded by
// Vitest) are two copies of this module in the same main process.
const LOADING_KEY = Symbol.for('jina-stress.prepareRunModule');

/**
 * Imports prepare-run.ts (global setup's work: config validation, the step table, the
 * embedded agent — ~150 modules, ~0.6–1.3 s) once per process. The plugin calls it when
 * Vitest has read the config, so the loading overlaps Vitest's own start (its reporters, the
 * project) instead of following it; global setup awaits the same import. Importing runs
 * nothing: the work starts when global setup calls prepareRun. From the sources the import
 * goes through tsx's loader, which the plugin registered first (native-module-loading.ts).
 */
export function importPrepareRun(): Promise<PrepareRunModule> {
  const store = globalThis as Record<symbol, Promise<PrepareRunModule> | undefined>;
  let loading = store[LOADING_KEY];
  if (!loading) {
    loading = import(siblingModuleUrl('./prepare-run.ts', import.meta.url)) as Promise<PrepareRunModule>;
    // Awaited by global setup, which reports a failure; a run that never gets there (an
    // invalid plugin option, `--merge-reports`) must not print it as an unhandled rejection.
    loading.catch(() => undefined);
    store[LOADING_KEY] = loading;
  }
  return loading;
}
