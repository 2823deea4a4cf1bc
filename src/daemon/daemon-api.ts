import type { GatewayProtocol } from '../gateway/gateway-client.ts';

/** A file to upload: `path` on disk, `name` as the daemon should store it. */
export interface UploadFile {
  path: string;
  name: string;
}

export interface FlowGateway {
  host: string;
  /** The first (or only) gateway port. */
  port: number;
  protocol: GatewayProtocol;
  /** Every protocol/port pair the Flow's gateway serves. */
  ports: Array<{ protocol: GatewayProtocol; port: number }>;
}

export interface FlowInfo {
  id: string;
  workspaceId: string;
  runtime: string;
  gateway?: FlowGateway;
  /** Seconds from the start request to the gateway answering. */
  timeToReadyS?: number;
  yamlSource: string;
}

export interface StartFlowOptions {
  /** Agent runtime: `reference` or `process`. Absent: the agent's default. */
  runtime?: string;
  environment?: Record<string, string>;
  timeoutReadyS?: number;
}

/** One executor for `POST /executors` (the agent's; not in JinaD): it runs in an existing workspace. */
export interface ExecutorStart {
  name: string;
  /** A class name. */
  uses: string;
  usesWith?: Record<string, unknown>;
  /** `.py` files of the workspace. */
  pyModules?: string[];
  /** Absent: the agent picks a free one. */
  port?: number;
  shardIndex?: number;
  shardCount?: number;
  runtime?: string;
  environment?: Record<string, string>;
  timeoutReadyS?: number;
}

/** `PUT /runs/{id}/lease`'s answer. */
export interface RunLeaseInfo {
  runId: string;
  expiresAt: Date;
}

/** What an agent holds for a run (`GET /runs/{id}`, `DELETE /runs/{id}`). */
export interface RunHoldings {
  runId: string;
  flows: string[];
  workspaces: string[];
  /** `GET` only: the run's lease, if it took one. */
  lease?: { ttlS: number; expiresAt: Date };
}

/**
 * The JinaD 1.x REST API as the steps use it, plus the agent's runs (not in JinaD). Every method rejects with a StressError
 * (`DAEMON_UNREACHABLE` or `DAEMON_HTTP`) naming the call, the status and the daemon's detail.
 */
export interface DaemonApi {
  readonly baseUrl: string;
  status(): Promise<Record<string, unknown>>;
  createWorkspace(files: UploadFile[], workspaceId?: string): Promise<string>;
  deleteWorkspace(workspaceId: string): Promise<void>;
  startFlow(flowFile: UploadFile, workspaceId: string, options?: StartFlowOptions): Promise<string>;
  getFlow(flowId: string): Promise<FlowInfo>;
  /** Starts one executor and answers once it is ready; its id is a Flow's (`getFlow`, `terminateFlow`). */
  startExecutor(executor: ExecutorStart, workspaceId: string): Promise<string>;
  terminateFlow(flowId: string): Promise<void>;
  /** Takes or renews the lease of a run: if it is not renewed within `ttlS`, the agent removes what the run created. */
  renewLease(runId: string, ttlS: number): Promise<RunLeaseInfo>;
  /** Terminates every Flow and deletes every workspace of the run; fine when nothing is left. */
  deleteRun(runId: string): Promise<RunHoldings>;
  getRun(runId: string): Promise<RunHoldings>;
}
