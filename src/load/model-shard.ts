import type { GatewayClient } from '../gateway/gateway-client.ts';
import type { InputSource } from '../inputs/input-source.ts';
import type { ShardLag } from './shard-snapshot.ts';
import type { ShardSpec } from './shard-spec.ts';

/** One client of a shard with its own input (inputs differ per client index). */
export interface ShardLane {
  clientIndex: number;
  client: GatewayClient;
  input: InputSource;
  inFlight: number;
}

/**
 * What a workload model (closed-model.ts, open-model.ts) drives: the shard's clients, its
 * clock and its `send`. LoadShard implements it; the models import only this, so the shard
 * can import the models without an import cycle.
 */
export interface ModelShard {
  readonly spec: ShardSpec;
  readonly lanes: ShardLane[];
  /** Phase start and deadline on this thread's `performance.now()` clock. */
  readonly startMs: number;
  readonly deadlineMs: number;
  readonly inFlight: number;
  readonly isStopping: boolean;
  /** Open model: the shard's share of the schedule, and how far it fell behind. */
  lag: ShardLag | undefined;
  planned: number | undefined;
  send(lane: ShardLane, intendedMs?: number): Promise<void>;
  settle(work: Promise<void>): Promise<void>;
  fail(error: unknown): void;
  whenStopped(): Promise<void>;
}
