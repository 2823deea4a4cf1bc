import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';

/**
 * A Flow as the reference runtime understands it, whichever YAML dialect (Jina 3.x
 * `executors:` or the seed's 1.x `pods:`) it came from. Plain data: the reader builds it,
 * the topology and the gateway consume it.
 */
export interface FlowSpec {
  /** Where the YAML came from (a path or `<inline>`), for messages. */
  source: string;
  gateways: GatewayListener[];
  docarray: DocarrayVersion;
  /** In declaration order: Jina wires defaults and DFS route order from it. */
  executors: ExecutorSpec[];
}

export interface GatewayListener {
  protocol: GatewayProtocol;
  /** 0: pick a free port. */
  port: number;
}

/**
 * Jina's `polling`: `any` sends a request to one shard (round robin), `all` to every shard.
 * `partition` is this runtime's default for write endpoints: each shard receives the
 * documents whose id hashes to it, so an index is split, not replicated.
 */
export type PollingMode = 'any' | 'all' | 'partition';

export interface PollingSpec {
  /** Per endpoint (`/index`), with `*` as the fallback. */
  byEndpoint: Record<string, PollingMode>;
}

export interface ExecutorSpec {
  name: string;
  /** The class name after resolving a `uses: exec.yml` file (its `jtype`). */
  uses: string;
  /** `with:` of an executor YAML merged under the Flow's `uses_with`. */
  usesWith: JsonObject;
  /** `metas:` of an executor YAML (workspace, name) plus Flow-level `workspace`. */
  metas: JsonObject;
  /** Predecessors; `gateway` means "the request as the client sent it". */
  needs: string[];
  shards: number;
  replicas: number;
  polling: PollingSpec;
  /** Not awaited for the response (Jina's `floating: true`). */
  floating: boolean;
  /** Endpoints from `uses_requests`, replacing the executor's own bindings. */
  endpoints?: string[];
  /** 1.x `uses_after`: an executor applied to the merged shard results, without a route. */
  usesAfter?: { uses: string; usesWith: JsonObject };
  /**
   * Jina's `external: true` with `host`/`port`: the executor runs elsewhere (a real
   * `jina executor` or a reference executor server); the gateway calls it over gRPC.
   */
  external?: {
    host: string;
    port: number;
    /** Jina's `timeout_send` (ms): give up on a call after this long. */
    timeoutSendMs?: number;
    /** A sharded executor placed on another host: one address per shard (the first is `host`/`port`). */
    shards?: Array<{ host: string; port: number }>;
  };
}

export const GATEWAY_NODE = 'gateway';

/** Endpoints that write: partitioned across shards by document id unless `polling` says otherwise. */
export const WRITE_ENDPOINTS: readonly string[] = ['/index', '/update', '/delete'];

/** The polling mode for one endpoint, applying this runtime's defaults. */
export function pollingFor(spec: PollingSpec, endpoint: string): PollingMode {
  const explicit = spec.byEndpoint[endpoint] ?? spec.byEndpoint['*'];
  if (explicit) return explicit;
  return WRITE_ENDPOINTS.includes(endpoint) ? 'partition' : 'all';
}
