import type { LoadSegment } from '../load/load-segment.ts';

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
  /**
   * This generator's part of every load step when several machines run the job: `i/n`
   * (e.g. `2/3`). `STRESS_SEGMENT` wins over it. See README "Load from several machines".
   */
  segment?: string;
  /**
   * Run from several machines: how long a generator waits for the others at each meeting
   * point (segment 1's Flow, a phase start, their being done before segment 1 tears down).
   * `STRESS_SEGMENT_TIMEOUT_S` wins over it. Default 300.
   */
  segmentTimeoutS?: number;
}

export interface ResolvedOptions {
  configPath: string;
  reportsDir: string;
  allure: boolean;
  progress: ProgressMode;
  /** Absent: this generator runs every load step whole. */
  segment?: LoadSegment;
  /** Shared by the generators of one distributed run (STRESS_RUN_ID, else CI's run id). */
  distributedRunId?: string;
  /** Bound of each wait for the other generators, in seconds. */
  segmentTimeoutS?: number;
}

/** How progress is shown: decided once in the main process, where the terminal is. */
export interface ProgressMode {
  /** A terminal: status lines redrawn in place. Otherwise plain lines. */
  live: boolean;
  /** Seconds between progress updates from a load step. */
  intervalS: number;
}

export const OPTIONS_ENV = 'STRESS_PLUGIN_OPTIONS';
export const SEGMENT_TIMEOUT_ENV = 'STRESS_SEGMENT_TIMEOUT_S';
export const DEFAULT_CONFIG = 'configs/local.yaml';
export const DEFAULT_PROGRESS_INTERVAL_S = 10;

/** The options as the plugin resolved them, in global setup or the suite worker. */
export function readResolvedOptions(env: NodeJS.ProcessEnv = process.env): ResolvedOptions | undefined {
  const raw = env[OPTIONS_ENV];
  return raw ? (JSON.parse(raw) as ResolvedOptions) : undefined;
}

/**
 * The id the generators of one run share: `STRESS_RUN_ID`, else the CI system's run id
 * (GitHub Actions run + attempt, GitLab pipeline, Kubernetes Job via JOB_NAME is not unique,
 * so none there). Absent when none is set.
 */
export function readDistributedRunId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.STRESS_RUN_ID?.trim();
  if (explicit) return explicit;
  if (env.GITHUB_RUN_ID) return `gh-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
  if (env.CI_PIPELINE_ID) return `gl-${env.CI_PIPELINE_ID}`;
  return undefined;
}

/**
 * The distributed run id in the agent's run id alphabet (`[A-Za-z0-9._-]{1,128}`): what
 * segment 1 tags its workspace and Flow with, and where the generators meet. The same for
 * every generator, since each computes it from the same id.
 */
export function agentRunIdOf(distributedRunId: string): string {
  const cleaned = distributedRunId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 128);
  return cleaned === '.' || cleaned === '..' ? `run${cleaned}` : cleaned;
}
