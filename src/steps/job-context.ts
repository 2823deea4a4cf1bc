import type { DaemonAddress, GatewayAddress, JobPlan, Plan } from '../config/plan.ts';
import type { DaemonApi, FlowGateway } from '../daemon/daemon-api.ts';
import type { StepReport } from '../report/step-report.ts';

/**
 * An upload the plugin finishes after the run: the Allure results (written only when the run
 * ends) and the HTML report made from them, into `<prefix>/allure-results` and
 * `<prefix>/allure-report`.
 */
export interface DeferredUpload {
  bucket: string;
  connection: { endpoint?: string; region?: string; forcePathStyle?: boolean };
  prefix: string;
  reportsDir: string;
}

/** State shared by every job of one run (one Vitest worker runs the whole plan). */
export interface RunContext {
  plan: Plan;
  /** `$TFID` or a timestamped id: S3 key prefix and report folder name. */
  runId: string;
  /** Absolute path of `reports/` for this run. */
  reportsDir: string;
  /** Load step reports of the whole run, in order, for collect_stats. */
  reports: StepReport[];
  /** Step failures (name → message) so far, for notify_slack. */
  failures: Array<{ job: string; step: string; message: string }>;
  /** Where upload_to_s3 put the reports, for notify_slack. */
  links: Array<{ label: string; url: string }>;
  deferredUploads: DeferredUpload[];
}

/** Per-job state, passed explicitly to every step (the seed kept it in globals). */
export interface JobContext {
  run: RunContext;
  job: JobPlan;
  daemon: DaemonApi;
  /** Where `daemon` points (token included): what a cleanup outside this process needs. */
  daemonAddress: DaemonAddress;
  workspaceId?: string;
  flowId?: string;
  /** Gateway of the running flow, as the daemon reported it. */
  flowGateway?: FlowGateway;
  /** Explicit gateway from config (job or env), which wins over the flow's. */
  gateway?: GatewayAddress;
  timeToReadyS?: number;
  /** What this job created and has not yet removed: teardown removes these. */
  created: { workspaces: Set<string>; flows: Set<string> };
}
