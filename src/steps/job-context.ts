import type { DaemonAddress, GatewayAddress } from '../config/addresses.ts';
import type { JobSummary, PlanSummary } from '../config/plan-summary.ts';
import type { DaemonApi, FlowGateway } from '../daemon/daemon-api.ts';
import type { RunResults } from './run-results.ts';
import type { SegmentRun } from './segment-run.ts';

/** State shared by every job of one run (one Vitest worker runs the whole plan). */
export interface RunContext {
  plan: PlanSummary;
  /** `$TFID` or a timestamped id: S3 key prefix and report folder name. */
  runId: string;
  /** Absolute path of `reports/` for this run. */
  reportsDir: string;
  /** What the run's steps produced so far; only the job runner adds to it. */
  results: RunResults;
  /**
   * Values never to be written (report/known-secrets.ts): everything the run writes or
   * prints is passed through `redactSecrets` with them.
   */
  knownSecrets: readonly string[];
}

/** The Flow a job started and has not terminated. */
export interface RunningFlow {
  id: string;
  /** Its gateway, as the daemon reported it. */
  gateway?: FlowGateway;
  /** Seconds from start_flow to its first successful dry_run. */
  timeToReadyS: number;
}

/** Per-job state, passed explicitly to every step (the seed kept it in globals). */
export interface JobContext {
  run: RunContext;
  job: JobSummary;
  daemon: DaemonApi;
  /** Where `daemon` points (token included): what a cleanup outside this process needs. */
  daemonAddress: DaemonAddress;
  workspaceId?: string;
  flow?: RunningFlow;
  /** Explicit gateway from config (job or env), which wins over the flow's. */
  gateway?: GatewayAddress;
  /**
   * Agents besides `daemon` that run part of this job's Flow (executors placed on other hosts,
   * issue 13), with the Flow ids there: load steps collect their host metrics too.
   */
  placedAgents?: Array<{ label: string; daemon: DaemonApi; flowIds: string[] }>;
  /** What this job created and has not yet removed: teardown removes these. */
  created: { workspaces: Set<string>; flows: Set<string> };
  /** This generator's side of a job run from several machines through a shared agent (STRESS_SEGMENT). */
  segmentRun?: SegmentRun;
}
