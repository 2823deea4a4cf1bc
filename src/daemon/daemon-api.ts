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

/**
 * The JinaD 1.x REST API as the steps use it. Every method rejects with a StressError
 * (`DAEMON_UNREACHABLE` or `DAEMON_HTTP`) naming the call, the status and the daemon's detail.
 */
export interface DaemonApi {
  readonly baseUrl: string;
  status(): Promise<Record<string, unknown>>;
  createWorkspace(files: UploadFile[], workspaceId?: string): Promise<string>;
  deleteWorkspace(workspaceId: string): Promise<void>;
  startFlow(flowFile: UploadFile, workspaceId: string, options?: StartFlowOptions): Promise<string>;
  getFlow(flowId: string): Promise<FlowInfo>;
  terminateFlow(flowId: string): Promise<void>;
}
