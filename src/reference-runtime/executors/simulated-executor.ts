import type { JinaDocument } from '../../protocol/document.ts';
import type { JsonObject } from '../../protocol/json-value.ts';

/** Jina's `__default_endpoint__`: an executor bound to it serves every endpoint. */
export const DEFAULT_ENDPOINT = '/default';

export interface ExecutorRequest {
  endpoint: string;
  /** Copies owned by this call: an executor may set fields on them and return them. */
  docs: JinaDocument[];
  /** Already narrowed to this deployment (`name__key` and `{name: {...}}` applied). */
  parameters: JsonObject;
  /** Which replica serves the call (a replica is one concurrency slot). */
  replicaIndex: number;
  /**
   * Aborted when the Flow stops and its grace for requests inside has run out: an executor
   * that waits (latency, sleeps) must stop waiting, or a stalled request holds the process.
   */
  signal?: AbortSignal;
}

export interface ExecutorReply {
  docs: JinaDocument[];
  /** A dict the executor returned: the gateway reports it in `parameters.__results__`. */
  results?: JsonObject;
}

/** One shard's executor; its replicas share it (they would share the shard's workspace). */
export interface SimulatedExecutor {
  /** Endpoints bound with `@requests(on=...)`; DEFAULT_ENDPOINT binds all. */
  readonly endpoints: readonly string[];
  process(request: ExecutorRequest): Promise<ExecutorReply> | ExecutorReply;
  /** Persists state (indexers write their workspace); called when the Flow stops. */
  close?(): Promise<void>;
}

export interface ExecutorSetup {
  deployment: string;
  /** The class name from `uses`, as Jina reports it in `exception.executor`. */
  className: string;
  shardIndex: number;
  shardCount: number;
  usesWith: JsonObject;
  metas: JsonObject;
  /** The Flow's workspace folder: relative workspaces resolve here. */
  workdir: string;
}

export interface ExecutorKind {
  summary: string;
  /** `uses_with` keys it reads, with what they mean (shown when a key is unknown). */
  options: Readonly<Record<string, string>>;
  create(setup: ExecutorSetup): Promise<SimulatedExecutor>;
}

/**
 * An exception raised inside an executor, as Python would name it. The gateway turns it
 * into `header.status` ERROR with `exception {name, args, stacks, executor}`.
 */
export class ExecutorException extends Error {
  constructor(
    readonly pythonName: string,
    readonly args: string[],
  ) {
    super(args.join(', '));
    this.name = 'ExecutorException';
  }

  /** Python's `repr(ex)`, which Jina puts in `status.description`. */
  get repr(): string {
    return `${this.pythonName}(${this.args.map((arg) => `'${arg.replaceAll("'", "\\'")}'`).join(', ')})`;
  }
}

/** The replica's process is gone (or the Flow stopped under it): the gateway sees UNAVAILABLE, as after a crash. */
export class ExecutorUnavailable extends Error {
  /**
   * `transient`: this call failed (an external executor did not answer in time, its host is
   * cut off) but the replica is not known dead: later requests try it again.
   */
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
    this.name = 'ExecutorUnavailable';
  }
}
