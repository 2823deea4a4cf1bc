import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siblingModuleUrl } from '../sibling-module-url.ts';
import type { Plugin } from 'vite';
import { DEFAULT_CONFIG, OPTIONS_ENV, type JinaStressOptions, type ResolvedOptions } from './plugin-options.ts';

// Paths as in the sources; from the compiled package they name the compiled .js files.
const here = (relative: string) => fileURLToPath(siblingModuleUrl(relative, import.meta.url));

/**
 * The Vitest plugin: `defineConfig({ plugins: [jinaStress({ config: 'stress.yaml' })] })`.
 * It points Vitest at the project's suite file, which turns the config's jobs and steps into
 * describes and tests; global setup validates the config and starts the embedded agent.
 */
export function jinaStress(options: JinaStressOptions = {}): Plugin {
  let resolved: ResolvedOptions | undefined;
  return {
    name: 'jina-stress',
    config(viteConfig) {
      const root = viteConfig.root ? resolve(viteConfig.root) : process.cwd();
      resolved = {
        configPath: resolve(root, process.env.STRESS_CONFIG || options.config || DEFAULT_CONFIG),
        reportsDir: resolve(root, options.reportsDir ?? 'reports'),
        allure: options.allure ?? true,
      };
      // Global setup is loaded by Vitest's module runner, not with this module: an env var
      // is the one channel both share.
      process.env[OPTIONS_ENV] = JSON.stringify(resolved);
      return {
        test: {
          include: [here('../suites/stress.test.ts')],
          // The suite file lives in the package, which sits in node_modules in a user's repo.
          exclude: [],
          globalSetup: [here('./global-setup.ts')],
          pool: 'forks',
          // One worker runs the whole plan: jobs share the run's reports and run in order.
          fileParallelism: false,
          maxWorkers: 1,
          // Per-step timeouts are set on each test; this bounds hooks (teardown of flows).
          hookTimeout: 120_000,
          teardownTimeout: 120_000,
        },
      } as Record<string, unknown>;
    },
    // Added here rather than in `config`: `--reporter` on the command line replaces the
    // configured reporters, and a user asking for `--reporter=junit` still wants progress
    // and Allure results.
    configureVitest({ vitest }: { vitest: { config: { reporters: unknown[] } } }) {
      if (!resolved) return;
      if (resolved.allure) {
        vitest.config.reporters.push([
          'allure-vitest/reporter',
          { resultsDir: resolve(resolved.reportsDir, 'allure-results'), reportMatchers: false },
        ]);
      }
      // After Allure's: they read what it wrote when the run ended.
      vitest.config.reporters.push([here('./progress-reporter.ts'), { reportsDir: resolved.reportsDir }]);
      vitest.config.reporters.push([here('./ship-reports-reporter.ts'), {}]);
    },
  } as Plugin;
}
