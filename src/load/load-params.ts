import type { GatewayAddress } from '../config/addresses.ts';
import type { NamedCall } from '../config/named-call.ts';
import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';

/** Limits that fail a load step (`thresholds:`); judged by judge-load-step.ts. */
export interface Thresholds {
  p95Ms?: number;
  p99Ms?: number;
  /** The error budget; DEFAULT_ERROR_BUDGET when absent. */
  errorRate?: number;
  minDocsPerSec?: number;
  minQps?: number;
  maxViolations?: number;
  executor?: Record<string, { p95Ms?: number; p99Ms?: number }>;
  /** Mean generator CPU as a share of its usable cores (0..1) above which the step fails. */
  maxGeneratorCpu?: number;
}

/** The metrics a regression limit may name: round trip and rates, or (with `executor`) an executor's time. */
export type RegressionMetric = 'p50' | 'p95' | 'p99' | 'qps' | 'docs_per_sec' | 'mean';

export interface RegressionLimit {
  metric: RegressionMetric;
  /** Set for an executor's own time (`mean`, `p95`, `p99`). */
  executor?: string;
  /** The change allowed in the metric's worse direction, as a fraction (0.1 for +10% or -10%). */
  limit: number;
}

/** Fewest per-second samples a side needs: 3 against 3 is the smallest rank test that can reach p 0.05. */
export const MIN_REGRESSION_SECONDS = 3;

/** `baseline:` + `regression:` of a load step: what it compares itself with (regression-gate.ts). */
export interface RegressionGate {
  source:
    | { kind: 'file'; file: string }
    | { kind: 's3'; key: string; bucket: string; endpoint?: string; region?: string; forcePathStyle?: boolean };
  /** The baseline's step to compare with; default the step of the same job and name. */
  step?: string;
  /** A missing baseline (or step in it): fail the step, or pass saying so. */
  ifMissing: 'fail' | 'pass';
  limits: RegressionLimit[];
}

/**
 * find_capacity's gate: the same baseline source as a load step's, and how far the capacity
 * may fall (a fraction: 0.1 for -10%). Compared by bracket, not by samples (capacity-regression.ts).
 */
export type CapacityGate = Omit<RegressionGate, 'limits'> & { capacityLimit: number };

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

/** One load phase as the engine runs it: the params of an `index` or `query` step. */
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
  /** Compare the phase with a stored baseline run (absent: no regression gate). */
  regression?: RegressionGate;
}
