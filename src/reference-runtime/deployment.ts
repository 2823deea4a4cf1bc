import type { DocarrayVersion, JinaDocument } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { cloneDocuments } from './clone-document.ts';
import { findExecutorKind } from './executors/executor-table.ts';
import { connectRemoteExecutor } from './executors/remote-executor.ts';
import {
  DEFAULT_ENDPOINT,
  ExecutorUnavailable,
  type SimulatedExecutor,
} from './executors/simulated-executor.ts';
import { pollingFor, type ExecutorSpec } from './flow-spec.ts';
import { partitionDocuments } from './partition-documents.ts';
import { reduceDocuments } from './reduce-documents.ts';
import { ReplicaSlot, RoundRobin } from './replica-slot.ts';

export type DeploymentOutcome =
  /**
   * `results`: the dicts executors returned, by the runtime name of the replica that answered
   * (`name/rep-0`, `name/shard-1/rep-0`), as Jina keys `parameters.__results__`.
   */
  | { status: 'ok'; docs: JinaDocument[]; results?: JsonObject }
  /** The executor raised: Jina answers with the documents as sent and an ERROR status. */
  | { status: 'raised'; error: unknown }
  /** No replica of some shard answers: the gateway's pool reports UNAVAILABLE. */
  | { status: 'unavailable'; message: string };

interface Shard {
  executor: SimulatedExecutor;
  replicas: RoundRobin;
}

/**
 * An executor of the Flow with its shards and replicas, in process. Shards split or fan out
 * the documents by polling mode (see `pollingFor`); their answers are reduced as Jina's head
 * does (documents and matches combined by id, in shard order, no ranking) and passed through
 * `uses_after` when the Flow names one.
 */
export class Deployment {
  private constructor(
    readonly spec: ExecutorSpec,
    private readonly shards: Shard[],
    private readonly after: SimulatedExecutor | undefined,
    readonly endpoints: readonly string[],
    private readonly stopped: AbortSignal,
  ) {}

  /** `stopped`: aborted when the Flow gives up on requests inside (see ReferenceFlow.close). */
  static async start(
    spec: ExecutorSpec,
    workdir: string,
    stopped: AbortSignal = new AbortController().signal,
    docarray: DocarrayVersion = 'v2',
  ): Promise<Deployment> {
    const after = spec.usesAfter ? await startUsesAfter(spec.name, spec.usesAfter, workdir) : undefined;
    if (spec.external) {
      const { shards: addresses, ...first } = spec.external;
      const executors = await Promise.all(
        (addresses ?? [first]).map((address) =>
          connectRemoteExecutor({ deployment: spec.name, address: { ...address, ...(first.timeoutSendMs ? { timeoutSendMs: first.timeoutSendMs } : {}) }, docarray, signal: stopped }),
        ),
      );
      const shards = executors.map((executor) => ({ executor, replicas: new RoundRobin([new ReplicaSlot(0)]) }));
      return new Deployment(spec, shards, after, spec.endpoints ?? executors[0]!.endpoints, stopped);
    }
    const kind = findExecutorKind(spec.uses);
    const shards: Shard[] = [];
    for (let shardIndex = 0; shardIndex < spec.shards; shardIndex++) {
      const executor = await kind.create({
        deployment: spec.name,
        className: spec.uses,
        shardIndex,
        shardCount: spec.shards,
        usesWith: spec.usesWith,
        metas: spec.metas,
        workdir,
      });
      const slots = Array.from({ length: spec.replicas }, (_, index) => new ReplicaSlot(index));
      shards.push({ executor, replicas: new RoundRobin(slots) });
    }
    const endpoints = spec.endpoints ?? shards[0]?.executor.endpoints ?? [DEFAULT_ENDPOINT];
    return new Deployment(spec, shards, after, endpoints, stopped);
  }

  get name(): string {
    return this.spec.name;
  }

  bindsEndpoint(endpoint: string): boolean {
    return this.endpoints.includes(endpoint) || this.endpoints.includes(DEFAULT_ENDPOINT);
  }

  /** Every shard has a live replica (what a dry run checks). */
  get isAvailable(): boolean {
    return this.shards.every((shard) => shard.replicas.hasAlive);
  }

  async send(endpoint: string, docs: readonly JinaDocument[], parameters: JsonObject): Promise<DeploymentOutcome> {
    const mode = this.shards.length === 1 ? 'all' : pollingFor(this.spec.polling, endpoint);
    let outcome: DeploymentOutcome;
    if (mode === 'partition') {
      const parts = partitionDocuments(cloneDocuments(docs), this.shards.length);
      const targets = parts.map((part, index) => ({ part, index })).filter(({ part }) => part.length > 0);
      if (targets.length === 0) targets.push({ part: [], index: 0 });
      const answers = await Promise.all(targets.map(({ part, index }) => this.callShard(index, endpoint, part, parameters)));
      outcome = combine(answers, (lists) => restoreOrder(docs, lists.flat()));
    } else if (mode === 'any') {
      outcome = await this.callShard(this.anyCounter++ % this.shards.length, endpoint, cloneDocuments(docs), parameters);
    } else {
      const answers = await Promise.all(this.shards.map((_, index) => this.callShard(index, endpoint, cloneDocuments(docs), parameters)));
      // Jina's head reduces shard answers in shard order without ranking: matches of the same
      // query are concatenated (2 shards × top_k), duplicates by id merged; a `uses_after`
      // ranker (MatchRanker, _merge_matches) restores top_k (verified: grpc-search-response).
      outcome = combine(answers, (lists) => reduceDocuments(lists));
    }
    if (outcome.status !== 'ok' || !this.after) return outcome;
    try {
      const reply = await this.after.process({ endpoint, docs: outcome.docs, parameters, replicaIndex: 0, signal: this.stopped });
      return { status: 'ok', docs: reply.docs, results: outcome.results };
    } catch (error) {
      if (this.stopped.aborted) return this.stoppedOutcome();
      return { status: 'raised', error };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.shards.map((shard) => shard.executor.close?.()), this.after?.close?.()]);
  }

  private anyCounter = 0;

  private stoppedOutcome(): DeploymentOutcome {
    return { status: 'unavailable', message: `the Flow stopped before deployment ${this.name} answered` };
  }

  /** The replica's runtime name, as in Jina's logs and `__results__` keys. */
  private runtimeName(shardIndex: number, replicaIndex: number): string {
    return this.shards.length > 1 ? `${this.name}/shard-${shardIndex}/rep-${replicaIndex}` : `${this.name}/rep-${replicaIndex}`;
  }

  private async callShard(shardIndex: number, endpoint: string, docs: JinaDocument[], parameters: JsonObject): Promise<DeploymentOutcome> {
    const shard = this.shards[shardIndex]!;
    // Like Jina's pool: on an unavailable replica, retry on the next live one.
    for (let slot = shard.replicas.pick(); slot; slot = shard.replicas.pick()) {
      try {
        const reply = await slot.run(() => {
          // Queued behind a stalled request when the Flow gave up: never start.
          if (this.stopped.aborted) throw this.stopped.reason;
          return shard.executor.process({ endpoint, docs, parameters, replicaIndex: slot!.index, signal: this.stopped });
        });
        if (!reply.results) return { status: 'ok', docs: reply.docs };
        return { status: 'ok', docs: reply.docs, results: { [this.runtimeName(shardIndex, slot.index)]: reply.results } };
      } catch (error) {
        if (this.stopped.aborted) return this.stoppedOutcome();
        if (error instanceof ExecutorUnavailable && error.transient) return { status: 'unavailable', message: error.message };
        if (error instanceof ExecutorUnavailable) {
          slot.isAlive = false;
          continue;
        }
        return { status: 'raised', error };
      }
    }
    return { status: 'unavailable', message: `no replica of deployment ${this.name} is available` };
  }
}

/** 1.x `uses_after`: applied here, in the gateway's process, to the merged shard answers. */
function startUsesAfter(deployment: string, after: NonNullable<ExecutorSpec['usesAfter']>, workdir: string): Promise<SimulatedExecutor> {
  return findExecutorKind(after.uses).create({ deployment, className: after.uses, shardIndex: 0, shardCount: 1, usesWith: after.usesWith, metas: {}, workdir });
}

function combine(answers: DeploymentOutcome[], merge: (lists: JinaDocument[][]) => JinaDocument[]): DeploymentOutcome {
  const failed = answers.find((answer) => answer.status === 'unavailable') ?? answers.find((answer) => answer.status === 'raised');
  if (failed) return failed;
  const oks = answers as Array<Extract<DeploymentOutcome, { status: 'ok' }>>;
  const results = oks.reduce<JsonObject | undefined>((all, answer) => (answer.results ? { ...all, ...answer.results } : all), undefined);
  return { status: 'ok', docs: merge(oks.map((answer) => answer.docs)), ...(results ? { results } : {}) };
}

/** Partitioned answers come back per shard; put the documents back in request order. */
function restoreOrder(original: readonly JinaDocument[], answered: JinaDocument[]): JinaDocument[] {
  const position = new Map(original.map((doc, index) => [doc.id, index]));
  return answered.sort((a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity));
}
