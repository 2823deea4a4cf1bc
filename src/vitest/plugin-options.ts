/** Options of `jinaStress()`; they reach global setup and the suite worker through one env var. */
export interface JinaStressOptions {
  /** Config file; `STRESS_CONFIG` wins over it so CI can switch configs without edits. */
  config?: string;
  /** Output folder (allure-results, stats, rendered files). Default `reports`. */
  reportsDir?: string;
  /** Write Allure results (default true). */
  allure?: boolean;
  /**
   * Seconds between progress lines of a running load step when the output is not a terminal
   * (CI, a pipe, `CI` set). Default 10. In a terminal a status line per running step is
   * redrawn every second instead.
   */
  progressIntervalS?: number;
  /**
   * Warn when the project has test files that this config does not run (default true): the
   * plugin runs only the stress suite. Off where other tests have a config of their own.
   */
  warnUnrunTests?: boolean;
}

export interface ResolvedOptions {
  configPath: string;
  reportsDir: string;
  allure: boolean;
  progress: ProgressMode;
}

/** How progress is shown: decided once in the main process, where the terminal is. */
export interface ProgressMode {
  /** A terminal: status lines redrawn in place. Otherwise plain lines. */
  live: boolean;
  /** Seconds between progress updates from a load step. */
  intervalS: number;
}

export const OPTIONS_ENV = 'STRESS_PLUGIN_OPTIONS';
export const DEFAULT_CONFIG = 'configs/local.yaml';
export const DEFAULT_PROGRESS_INTERVAL_S = 10;

/** The options as the plugin resolved them, in global setup or the suite worker. */
export function readResolvedOptions(env: NodeJS.ProcessEnv = process.env): ResolvedOptions | undefined {
  const raw = env[OPTIONS_ENV];
  return raw ? (JSON.parse(raw) as ResolvedOptions) : undefined;
}
