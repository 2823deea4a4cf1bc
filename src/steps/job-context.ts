import type { DaemonAddress, GatewayAddress } from '../config/addresses.ts';
import type { JobSummary, PlanSummary } from '../config/plan-summary.ts';
import type { DaemonApi, FlowGateway } from '../daemon/daemon-api.ts';
import type { HostAgent } from './host-agents.ts';
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
  /** Its executors placed on other hosts, started there before the gateway (issue 13). */
  placed?: PlacedExecutorRun[];
}

/** A placed executor of the running Flow: where it runs and how long it took to answer. */
export interface PlacedExecutorRun {
  name: string;
  /** The host it runs on (its agent's address). */
  host: string;
  /** `host:port` of its agent. */
  agent: string;
  /** One per shard; one for a whole sharded Deployment (`process` runtime: its head). */
  ids: string[];
  ports: number[];
  /** Shards behind a head on `ports[0]` (process runtime), else one executor per port. */
  shards: number;
  /** Workers per shard started: the Flow's `replicas` behind a head, else 1. */
  replicas: number;
  hasHead: boolean;
  /** Seconds from its first start request to its last shard answering. */
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
  /** What this job created and has not yet removed: teardown removes these. */
  created: { workspaces: Set<string>; flows: Set<string> };
  /**
   * The agents on other hosts the job's Flows place executors on (issue 13), with the
   * executors running there; empty: one host. Load steps collect their host metrics too.
   */
  hostAgents: HostAgent[];
  /** This generator's side of a job run from several machines through a shared agent (STRESS_SEGMENT). */
  segmentRun?: SegmentRun;
}
