/** Options of `jinaStress()`; they reach global setup through one env var (see plugin). */
export interface JinaStressOptions {
  /** Config file; `STRESS_CONFIG` wins over it so CI can switch configs without edits. */
  config?: string;
  /** Output folder (allure-results, stats, rendered files). Default `reports`. */
  reportsDir?: string;
  /** Write Allure results (default true). */
  allure?: boolean;
}

export interface ResolvedOptions {
  configPath: string;
  reportsDir: string;
  allure: boolean;
}

export const OPTIONS_ENV = 'STRESS_PLUGIN_OPTIONS';
export const DEFAULT_CONFIG = 'configs/local.yaml';
