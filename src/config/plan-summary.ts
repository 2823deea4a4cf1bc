import type { DaemonAddress, GatewayAddress } from './addresses.ts';

/**
 * What a step sees of the Plan: the config it came from. The whole Plan (with every job's
 * steps) stays with the suite and the job runner.
 */
export interface PlanSummary {
  configPath: string;
  configDir: string;
  /** sha256 of the config text, first 12 hex chars. */
  configHash: string;
}

/** What a step sees of its job: its name and where it points, not its other steps. */
export interface JobSummary {
  name: string;
  /** Absent: the plugin starts the embedded agent and uses it. */
  daemon?: DaemonAddress;
  gateway?: GatewayAddress;
  /** `hosts:` resolved: executor name → the agent that runs it (issue 13). */
  hosts?: Record<string, DaemonAddress>;
  /** Every agent besides `daemon` that the job's Flows place executors on: workspaces, leases and clean-up reach each. */
  agents?: DaemonAddress[];
}
