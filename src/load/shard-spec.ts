import type { EndpointSchemas } from '../protocol/endpoint-schema.ts';
import type { LoadStepParams } from './load-params.ts';
import type { GatewayTarget } from '../gateway/gateway-client.ts';
import type { LatencyLimit } from './thresholds.ts';
import type { LoadSegment } from './load-segment.ts';

/** Where inputs and checks resolve relative paths and user modules. */
export interface LoadContext {
  baseDir: string;
  helpersDir: string;
  /** The endpoints' document schemas (docarray v2), for checks such as matches_schema. */
  endpointSchemas?: EndpointSchemas;
}


/**
 * Everything one shard needs, as plain JSON: a worker thread rebuilds its clients, inputs and
 * checks from this alone (functions cannot cross threads, hence `factoriesModule`).
 */
export interface ShardSpec {
  shardIndex: number;
  shardCount: number;
  method: 'index' | 'query';
  params: LoadStepParams;
  target: GatewayTarget;
  /** This generator's part of the step (WHOLE_SEGMENT when it runs alone). */
  segment: LoadSegment;
  /** First 16 hex of this shard's request ids (load-segment.ts requestIdPrefix). */
  requestIdPrefix: string;
  /** Global client numbers this shard runs (input `clientIndex`). */
  clientIndexes: number[];
  context: LoadContext;
  /** URL of a module exporting `loadFactories` (see load-factories.ts). */
  factoriesModule: string;
  /** Latency thresholds whose exceedances the shard counts, for `abort_on_fail`. */
  watch: LatencyLimit[];
  /** Open model: a start later than this behind schedule counts as late. */
  lagToleranceMs: number;
  /** How long in-flight requests may finish after the deadline before they are cut off. */
  deadlineGraceMs: number;
  violationSamples: number;
  /** Open model: this shard's share of `max_in_flight` (Infinity when uncapped). */
  maxInFlight: number;
}
