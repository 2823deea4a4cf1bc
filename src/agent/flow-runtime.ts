import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import type { JinaProcessName } from './jina-process-names.ts';

/**
 * One executor instead of a Flow (`POST /executors`): served on `port` over Jina's
 * gateway→executor gRPC protocol, for a gateway on another host to use as `external`.
 * Every value was checked by the route (names, paths inside the workspace, the port).
 */
export interface ExecutorStartSpec {
  /** The deployment name (`jina executor --name`). */
  name: string;
  /** The executor class. */
  uses: string;
  usesWith: JsonObject;
  /** Absolute paths inside the workspace (`--py-modules`). */
  pyModules: string[];
  port: number;
  docarray: DocarrayVersion;
  shardIndex: number;
  shardCount: number;
  /**
   * `process` runtime: above 1, the whole sharded Deployment runs here (Jina's head on `port`
   * and this many shard workers), so a remote gateway wires ONE address to it. The reference
   * runtime serves one shard per executor (`shardIndex`/`shardCount`) and takes only 1.
   */
  shards: number;
  /**
   * `process` runtime, sharded only: workers per shard (Jina's `replicas`); the head balances
   * each shard's requests across them, still ONE address. Jina 3.34 puts no head in front of an
   * unsharded Deployment, so its replicas would be several addresses: the route refuses that.
   */
  replicas: number;
  /** How the head sends requests to the shards (Jina's `polling`): ANY/ALL, or per endpoint. */
  polling?: ExecutorPolling;
}

export type PollingMode = 'ANY' | 'ALL' | 'ALL_ASYNC';
export type ExecutorPolling = PollingMode | Record<string, PollingMode>;

export interface RuntimeGateway {
  protocol: GatewayProtocol;
  /** Where the gateway listens (may be a wildcard such as `0.0.0.0`). */
  host: string;
  port: number;
}

export interface FlowStartRequest {
  /** Absolute path of the Flow YAML, inside `workdir`. */
  flowFile: string;
  flowYaml: string;
  /** The workspace folder; the Flow's relative paths resolve against it. */
  workdir: string;
  /** Extra environment for the Flow (JinaD's `envs`). */
  environment: Record<string, string>;
  /** The host the agent listens on: gateways bind or are reachable there. */
  host: string;
  /** Give up after this long; `undefined` waits until `signal` aborts. */
  timeoutReadyMs: number | undefined;
  /** Aborted when the start is cancelled (client gone, workspace deleted, agent closing). */
  signal: AbortSignal;
  /** Set: start this one executor, not the Flow file (which then only records what was asked). */
  executor?: ExecutorStartSpec;
}

export interface RunningFlow {
  gateways: RuntimeGateway[];
  /** Stops everything the flow started; safe to call twice. */
  stop(): Promise<void>;
  /** The last log lines, for errors and `GET /flows/{id}`. */
  logTail(): string[];
  /** What the host-metrics sampler measures for this Flow (metrics-sampler.ts). */
  readonly metrics?: MetricsSubject;
}

/**
 * The processes of a running Flow, as the host-metrics sampler sees them: a process group the
 * agent started (`process` runtime), or the agent's own process (`reference` runtime, where
 * the gateway and executors run inside the agent and cannot be told apart by the OS).
 */
export type MetricsSubject =
  | {
      kind: 'process-group';
      /** The group's leader (`jina flow` or `jina executor`); its descendants are the Flow's processes. */
      pgid: number;
      /** Set for `POST /executors`: the leader is this one executor. */
      executor?: string;
      /** Which executor a pid is, from what the Flow logged. */
      names: { get(pid: number): JinaProcessName | undefined };
      /** The gateway's ports: a process Jina did not name that listens on one is the gateway. */
      gatewayPorts?: number[];
    }
  | {
      kind: 'in-agent';
      /** What runs in the agent's process for this Flow: `gateway` and the executors' names. */
      serves: string[];
    };

/**
 * Starts a Flow and resolves once every gateway answers. Rejects with a StressError:
 * `FLOW_YAML` (the YAML is unusable: 400), `FLOW_NOT_READY` (exited, timed out: 400, with
 * the log tail in `details.logTail`), `AGENT_RUNTIME` (the runtime itself is broken: 500).
 */
export interface FlowRuntime {
  start(request: FlowStartRequest): Promise<RunningFlow>;
}

/** Where a runtime puts on record the process groups it starts (the agent's ledger). */
export interface ProcessGroupRecord {
  started(pgid: number, workspaceId: string): void;
  stopped(pgid: number): void;
}

/** Agent-level settings a runtime may need. */
export interface FlowRuntimeSettings {
  processGroups: ProcessGroupRecord;
  processCommand: string[];
  /** Put first on a process Flow's PATH (the Python environment's `bin`). */
  processPathPrefix: string | undefined;
  stopGraceMs: number;
}

export interface FlowRuntimeEntry {
  summary: string;
  create(settings: FlowRuntimeSettings): FlowRuntime;
}
