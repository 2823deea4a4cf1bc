import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject, JsonValue } from '../protocol/json-value.ts';

/**
 * The validated, immutable result of loading a config. Plain JSON (it crosses from Vitest's
 * main process to workers by provide/inject). All paths are absolute; all keys camelCase.
 */
export interface Plan {
  configPath: string;
  configDir: string;
  /** sha256 of the config text, first 12 hex chars. */
  configHash: string;
  jobs: JobPlan[];
}

export interface DaemonAddress {
  host: string;
  port: number;
  /** Bearer token; already resolved from `${ENV}`. Never logged. */
  token?: string;
}

export interface GatewayAddress {
  host: string;
  port: number;
  protocol?: GatewayProtocol;
}

export interface JobPlan {
  name: string;
  /** Absent: the plugin starts the embedded agent and uses it. */
  daemon?: DaemonAddress;
  gateway?: GatewayAddress;
  steps: StepPlan[];
}

/** Where a thing came from in the YAML, for messages. */
export interface SourceLocation {
  yamlPath: string;
  line: number;
  column: number;
}

export interface NamedCall {
  method: string;
  kwargs: JsonObject;
}

interface StepBase {
  /** Position in the job, 0-based. */
  index: number;
  /** Test name: the step's `name:` or its method. Unique within a job. */
  name: string;
  sleepTimeS: number;
  location: SourceLocation;
}

export interface WorkspaceStepParams {
  /** Absolute paths of the files to upload (after resolution). */
  files: string[];
  environment: Record<string, string>;
  /** Absolute path of instances.yaml, when given or found next to the config. */
  instancesFile?: string;
}

export interface StartFlowParams {
  file: string;
  environment: Record<string, string>;
  /** Runtime the agent should use: `reference` (no Python) or `process` (real Jina). */
  runtime?: string;
  /** Seconds to wait for the Flow's gateway to answer. */
  timeoutReadyS: number;
  /** Absolute path of instances.yaml for rendering `file`, as for workspace files. */
  instancesFile?: string;
}

export interface Thresholds {
  p95Ms?: number;
  p99Ms?: number;
  errorRate?: number;
  minDocsPerSec?: number;
  minQps?: number;
  maxViolations?: number;
  executor?: Record<string, { p95Ms?: number; p99Ms?: number }>;
}

export interface ArrivalModel {
  /** Requests per second at the start. */
  arrivalRate: number;
  /** Requests per second at the end of `durationS` (linear ramp). */
  rampTo?: number;
  durationS: number;
  maxInFlight?: number;
  /** Allow the generator to fall behind its schedule without failing the step. */
  allowLag: boolean;
}

export interface LoadStepParams {
  client: GatewayProtocol;
  numClients: number;
  requestSize: number;
  executionTimeS: number;
  /** Query only; sent as `parameters.top_k` (and `limit`). */
  topK?: number;
  endpoint: string;
  parameters: JsonObject;
  targetExecutor?: string;
  docarray?: DocarrayVersion;
  inputs: NamedCall;
  onAlways?: NamedCall;
  gateway?: GatewayAddress;
  prefetch: number;
  grpcMode: 'stream' | 'unary';
  websocketFraming: 'bytes' | 'json';
  requestTimeoutMs: number;
  /** Absent: closed model (num_clients × execution_time). */
  arrival?: ArrivalModel;
  workers?: number;
  thresholds: Thresholds;
  maxViolations: number;
  abortOnFail: boolean;
}

export interface CollectStatsParams {
  slack: boolean;
}

export interface S3Options {
  bucket: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
}

export interface UploadToS3Params extends S3Options {
  directory: string;
  /** Key prefix; default `$TFID` or the run id. */
  prefix?: string;
}

export interface DownloadFromS3Params extends S3Options {
  key: string;
  localDirectory: string;
}

export interface NotifySlackParams {
  /** Name of the env var holding the webhook URL (default STRESS_TEST_SLACK_WEBHOOK). */
  webhookEnv: string;
  title?: string;
}

/** One variant per step kind; `kind` is the YAML `method`. */
export type StepPlan =
  | (StepBase & { kind: 'create_workspace'; params: WorkspaceStepParams })
  | (StepBase & { kind: 'update_workspace'; params: WorkspaceStepParams })
  | (StepBase & { kind: 'delete_workspace'; params: Record<string, never> })
  | (StepBase & { kind: 'start_flow'; params: StartFlowParams })
  | (StepBase & { kind: 'terminate_flow'; params: Record<string, never> })
  | (StepBase & { kind: 'index'; params: LoadStepParams })
  | (StepBase & { kind: 'query'; params: LoadStepParams })
  | (StepBase & { kind: 'collect_stats'; params: CollectStatsParams })
  | (StepBase & { kind: 'upload_to_s3'; params: UploadToS3Params })
  | (StepBase & { kind: 'download_from_s3'; params: DownloadFromS3Params })
  | (StepBase & { kind: 'notify_slack'; params: NotifySlackParams });

export type StepKind = StepPlan['kind'];
export type StepParamsOf<K extends StepKind> = Extract<StepPlan, { kind: K }>['params'];

export type { JsonValue };
