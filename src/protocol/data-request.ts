import type { JinaDocument } from './document.ts';
import type { JsonObject } from './json-value.ts';

/** Epoch time in microseconds (Python's datetime resolution; exact in a double until 2255). */
export type EpochMicros = number;

export interface ExceptionInfo {
  name: string;
  args: string[];
  stacks: string[];
  /** The executor that raised, as the gateway reports it ('' when unknown). */
  executor: string;
}

export interface Status {
  /** StatusProto.StatusCode: SUCCESS = 0, ERROR = 1. */
  code: number;
  description: string;
  exception?: ExceptionInfo;
}

export interface Route {
  /** Deployment name, or `gateway` for the route spanning the whole request. */
  executor: string;
  startUs?: EpochMicros;
  endUs?: EpochMicros;
  status?: Status;
}

export interface RequestHeader {
  requestId: string;
  status?: Status;
  execEndpoint?: string;
  targetExecutor?: string;
  /** Epoch seconds after which the request should be dropped (newer Jina only). */
  timeout?: number;
}

/** DataRequestProto: the request and the response of every data RPC. */
export interface DataRequest {
  header: RequestHeader;
  parameters: JsonObject;
  routes: Route[];
  docs: JinaDocument[];
}

export const STATUS_SUCCESS = 0;
export const STATUS_ERROR = 1;
