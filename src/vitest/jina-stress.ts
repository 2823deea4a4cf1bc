import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vitest/config';
import type { TestProject, Vitest } from 'vitest/node';
import { StressError } from '../errors.ts';
import { EXIT_CODES, requestedExitCode } from '../exit-codes.ts';
import { siblingModuleUrl } from '../sibling-module-url.ts';
import { findUnrunTestFiles } from './find-unrun-test-files.ts';
import { importPrepareRun } from './import-prepare-run.ts';
import { MERGED_VERDICTS_KEY, type MergedVerdicts } from './merged-verdicts.ts';
import { nativeModuleLoading } from './native-module-loading.ts';
import { SEGMENT_ENV, parseSegment } from '../load/load-segment.ts';
import { DEFAULT_SEGMENT_TIMEOUT_S } from '../steps/segment-run.ts';
import {
  DEFAULT_CONFIG,
  DEFAULT_PROGRESS_INTERVAL_S,
  OPTIONS_ENV,
  SEGMENT_TIMEOUT_ENV,
  readDistributedRunId,
  type JinaStressOptions,
  type ResolvedOptions,
} from './plugin-options.ts';

// Paths as in the sources; from the compiled package they name the compiled .js files.
const here = (relative: string) => fileURLToPath(siblingModuleUrl(relative, import.meta.url));

/**
 * The Vitest plugin: `defineConfig({ plugins: [jinaStress({ config: 'stress.yaml' })] })`.
 * It points Vitest at the package's suite file, which turns the config's jobs and steps into
 * describes and tests; global setup validates the config and starts the embedded agent.
 * The stress suite needs its own settings (one forked worker, long hooks), so the plugin
 * owns the Vitest project it is in: beside a project's own unit tests it goes in its own
 * `projects` entry (README, "Your own tests beside the stress run").
 */
export function jinaStress(options: JinaStressOptions = {}): Plugin {
  let resolved: ResolvedOptions | undefined;
  let moduleLoading: Awaited<ReturnType<typeof nativeModuleLoading>> = {};
  return {
    name: 'jina-stress',
    async config(viteConfig) {
      const root = viteConfig.root ? resolve(viteConfig.root) : process.cwd();
      const testConfig = (viteConfig as { test?: { include?: unknown } }).test;
      if (testConfig?.include !== undefined) {
        // Vite would merge our include into theirs: their tests would run under the stress
        // settings and the stress global setup. Said out loud instead of half-working.
        process.exitCode = EXIT_CODES.invalid;
        throw new StressError('CONFIG_INVALID', 'jinaStress() was added to a Vitest config that has its own test.include', {
          hint: "give the plugin its own project: test: { projects: [{ test: { name: 'unit', include: [...] } }, { plugins: [jinaStress()], test: { name: 'stress' } }] }",
        });
      }
      resolved = {
        configPath: resolve(root, process.env.STRESS_CONFIG || options.config || DEFAULT_CONFIG),
        reportsDir: resolve(root, options.reportsDir ?? 'reports'),
        allure: options.allure ?? true,
        progress: {
          live: Boolean(process.stdout.isTTY) && !process.env.CI,
          intervalS: options.progressIntervalS ?? DEFAULT_PROGRESS_INTERVAL_S,
        },
        ...resolveSegment(options),
      };
      // Global setup is loaded apart from this module (Vitest bundles the config), and the
      // suite runs in a forked worker that inherits the environment: an env var reaches both.
      process.env[OPTIONS_ENV] = JSON.stringify(resolved);
      moduleLoading = await nativeModuleLoading(import.meta.url);
      // Global setup's modules start loading now, beside Vitest's own start.
      void importPrepareRun();
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
          ...moduleLoading,
        },
      } as Record<string, unknown>;
    },
    // Added here rather than in `config`: `--reporter` on the command line replaces the
    // configured reporters, and a user asking for `--reporter=junit` still wants progress
    // and Allure results.
    configureVitest({ vitest, project }: { vitest: Vitest; project: TestProject }) {
      if (!resolved) return;
      // `--execArgv` on the command line replaces the configured list; from the sources the
      // worker still needs tsx's loader to read the suite.
      const execArgv = project.config.execArgv;
      const loaderArgv = moduleLoading.execArgv ?? [];
      if (loaderArgv.length > 0 && !loaderArgv.every((arg) => execArgv.includes(arg))) execArgv.push(...loaderArgv);
      const reporters = vitest.config.reporters as unknown[];
      if (resolved.allure) {
        // Resolved from this package: a user's project need not depend on allure-vitest.
        reporters.push([
          createRequire(import.meta.url).resolve('allure-vitest/reporter'),
          { resultsDir: resolve(resolved.reportsDir, 'allure-results'), reportMatchers: false },
        ]);
      }
      // After Allure's: they read what it wrote when the run ended.
      reporters.push([here('./progress-reporter.ts'), { reportsDir: resolved.reportsDir, live: resolved.progress.live }]);
      reporters.push([here('./ship-reports-reporter.ts'), {}]);
      // Only a merge of segments' blobs has anything to merge: other runs need not load it (its
      // histograms and charts, ~0.2 s of every start).
      if (vitest.config.mergeReports) reporters.push([here('./merge-segments-reporter.ts'), { reportsDir: resolved.reportsDir }]);
      // Vitest exits 1 whenever global setup throws; an invalid config or an empty -t
      // selection is 2, as for `jina-stress validate`. onClose runs after Vitest set its code.
      vitest.onClose(() => {
        // A merge of segments: the merged verdicts decide, not the segments' own (a segment
        // judged on its share may fail where the whole passes, and the other way round).
        const mergedVerdicts = (globalThis as Record<symbol, MergedVerdicts | undefined>)[MERGED_VERDICTS_KEY];
        if (mergedVerdicts) {
          const isPassed = mergedVerdicts.otherFailures === 0 && mergedVerdicts.steps.every((step) => step.status === 'passed');
          process.exitCode = isPassed ? 0 : EXIT_CODES.failed;
        }
        const requested = requestedExitCode();
        if (requested !== undefined && process.exitCode === EXIT_CODES.failed) process.exitCode = requested;
      });
      if (isRootConfig(project) && options.warnUnrunTests !== false) {
        const unrun = findUnrunTestFiles(project.config.root).filter((file) => resolve(project.config.root, file) !== here('../suites/stress.test.ts'));
        if (unrun.length > 0) {
          vitest.logger.warn(
            `jina-stress: ${unrun.length} test file(s) of this project (${unrun.slice(0, 3).join(', ')}${unrun.length > 3 ? ', …' : ''}) are not run by this config: ` +
              'jinaStress() runs only the stress suite. To run them too, give the plugin its own Vitest project (README: "Your own tests beside the stress run").',
          );
        }
      }
    },
  } as Plugin;
}

/**
 * Whether the plugin sits in the root config rather than a `projects` entry. Vitest resolves
 * project entries before its root project exists, and then says so by throwing.
 */
function isRootConfig(project: TestProject): boolean {
  try {
    return project.isRootProject();
  } catch {
    return false;
  }
}

/** `STRESS_SEGMENT` (or the `segment` option) and the run id its generators share. */
function resolveSegment(options: JinaStressOptions): Pick<ResolvedOptions, 'segment' | 'distributedRunId' | 'segmentTimeoutS'> {
  const fromEnv = process.env[SEGMENT_ENV]?.trim();
  const text = fromEnv || options.segment;
  const distributedRunId = readDistributedRunId();
  let segment;
  let segmentTimeoutS;
  try {
    segment = text ? parseSegment(text, fromEnv ? SEGMENT_ENV : 'jinaStress({ segment })') : undefined;
    segmentTimeoutS = readSegmentTimeoutS(options);
  } catch (error) {
    process.exitCode = EXIT_CODES.invalid;
    throw error;
  }
  return { ...(segment ? { segment, segmentTimeoutS } : {}), ...(distributedRunId ? { distributedRunId } : {}) };
}

/** `STRESS_SEGMENT_TIMEOUT_S`, else the `segmentTimeoutS` option, else the default; 1..3600 (the agent's bound). */
function readSegmentTimeoutS(options: JinaStressOptions): number {
  const fromEnv = process.env[SEGMENT_TIMEOUT_ENV]?.trim();
  const value = fromEnv ? Number(fromEnv) : (options.segmentTimeoutS ?? DEFAULT_SEGMENT_TIMEOUT_S);
  if (!Number.isFinite(value) || value < 1 || value > 3600) {
    throw new StressError('CONFIG_INVALID', `${fromEnv ? `${SEGMENT_TIMEOUT_ENV}=${JSON.stringify(fromEnv)}` : `jinaStress({ segmentTimeoutS: ${String(options.segmentTimeoutS)} })`} is not a number of seconds from 1 to 3600`, {
      hint: 'how long a generator waits for the others at each meeting point, e.g. 300',
    });
  }
  return value;
}
