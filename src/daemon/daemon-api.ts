import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import type { MetricsWindowRead, MetricsWindowStart } from './agent-metrics.ts';

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
  /** `process` runtime: the whole sharded Deployment on this agent, its head on `port`. */
  shards?: number;
  /** With `shards`: workers per shard, behind the head. */
  replicas?: number;
  /** The head's polling (Jina's: ANY/ALL, or an object of endpoint → ANY/ALL). */
  polling?: string | Record<string, string>;
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

/** A party's arrival at a run's barrier (`POST /runs/{id}/barriers/{name}`). */
export interface BarrierArrival {
  party: number;
  parties: number;
  /** Set by the first arrival: the barrier opens then even with parties missing. */
  timeoutS: number;
  /** Long poll: the agent answers on the barrier's next change or after this many seconds (≤ 60). */
  waitS?: number;
  /** Release → agreed start, in ms (the agent's default: 1000). */
  leadMs?: number;
  /** A short id shared with the other parties ([A-Za-z0-9._-]{1,128}). */
  note?: string;
}

/** A barrier as the agent answered: open (`released`) with one start time for every party, or still waiting. */
export type BarrierState =
  | { status: 'waiting'; arrived: number[]; notes: Record<string, string>; parties: number }
  | {
      status: 'released';
      arrived: number[];
      notes: Record<string, string>;
      parties: number;
      releasedBy: 'all_arrived' | 'timeout';
      missing: number[];
      /** On the agent's clock. */
      startAt: Date;
      /** From when the answer left the agent: what a party with a skewed clock waits. */
      startsInMs: number;
    };

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
  /** Arrives at a barrier of the run (idempotent) and, with `waitS`, waits for its next change. */
  arriveAtBarrier(runId: string, barrier: string, arrival: BarrierArrival): Promise<BarrierState>;
  /**
   * Starts the agent's host-metrics sampling (not in JinaD): `unsupported` when the daemon has
   * no such endpoint (404, 405), with the reason; other failures reject as usual.
   */
  openMetricsWindow(scope: MetricsWindowScope): Promise<OpenedMetricsWindow | { status: 'unsupported'; reason: string }>;
  /** The samples after `afterSeq`; `close` also stops the window. */
  readMetricsWindow(windowId: string, afterSeq: number): Promise<MetricsWindowRead>;
  closeMetricsWindow(windowId: string, afterSeq: number): Promise<MetricsWindowRead>;
}

export interface MetricsWindowScope {
  /** Only these Flows of the agent; absent: every Flow of `runId`, or every Flow. */
  flowIds?: string[];
  runId?: string;
  maxDurationS: number;
}

export interface OpenedMetricsWindow extends MetricsWindowStart {
  status: 'open';
  /** Our clock (epoch ms) at the middle of the request that the agent's `agentNowMs` answered. */
  localNowMs: number;
}
