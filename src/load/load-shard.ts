import { performance } from 'node:perf_hooks';
import type { Check, Violation } from '../checks/check.ts';
import { isStressError, StressError } from '../errors.ts';
import type { PostRequest, PostResult } from '../gateway/gateway-client.ts';
import { encodeRequestParameters } from '../gateway/post-request-encoding.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { runClosedModel } from './closed-model.ts';
import { EncodedDocumentCache, JsonDocumentCache, sendsProtobuf } from './encoded-document-cache.ts';
import { RequestIds } from './request-ids.ts';
import { initHistograms } from './histogram.ts';
import type { LoadFactories } from './load-factories.ts';
import { LoadRecorder } from './load-recorder.ts';
import type { ModelShard, ShardLane } from './model-shard.ts';
import { runOpenModel } from './open-model.ts';
import type { SecondSnapshot, ShardLag, ShardSnapshot, StopReason } from './shard-snapshot.ts';
import type { ShardSpec } from './shard-spec.ts';

const closeTimeoutMs = 2000;

/**
 * The clients of one thread and what they share: the recorder, the check, the clock. The
 * models (closed-model.ts, open-model.ts) decide when to `send`; the shard does the rest.
 * Times are on this thread's `performance.now()` clock.
 */
export class LoadShard implements ModelShard {
  readonly spec: ShardSpec;
  readonly lanes: ShardLane[];
  startMs = 0;
  deadlineMs = 0;
  inFlight = 0;
  lag: ShardLag | undefined;
  planned: number | undefined;
  stopReason: StopReason | undefined;
  private recorder: LoadRecorder | undefined;
  private readonly check: Check | undefined;
  private readonly endpoint: string;
  private readonly parameters: JsonObject;
  private readonly targetExecutor: string | undefined;
  private readonly encodedDocs: EncodedDocumentCache | undefined;
  private readonly jsonDocs: JsonDocumentCache | undefined;
  private readonly encodedParameters: Uint8Array | undefined;
  private readonly requestIds: RequestIds;
  private isCut = false;
  private failure: unknown;
  private idleWaiters: Array<() => void> = [];
  private stopWaiters: Array<() => void> = [];

  private constructor(spec: ShardSpec, lanes: ShardLane[], check: Check | undefined) {
    this.spec = spec;
    this.lanes = lanes;
    this.check = check;
    this.requestIds = new RequestIds(spec.requestIdPrefix);
    const { params, method } = spec;
    this.encodedDocs = EncodedDocumentCache.forInputs(spec.target, params.websocketFraming, lanes.map((lane) => lane.input));
    this.jsonDocs = JsonDocumentCache.forInputs(spec.target, lanes.map((lane) => lane.input));
    this.encodedDocs?.warm(lanes.map((lane) => lane.input));
    this.jsonDocs?.warm(lanes.map((lane) => lane.input));
    this.endpoint = params.endpoint;
    this.parameters =
      method === 'query' && params.topK !== undefined
        ? { ...params.parameters, top_k: params.topK, limit: params.topK }
        : params.parameters;
    this.targetExecutor = params.targetExecutor;
    this.encodedParameters = sendsProtobuf(spec.target, params.websocketFraming) ? encodeOnce(this.parameters, spec.target.docarray) : undefined;
  }

  /** Builds inputs and the check, connects every client. Throws StressError on failure. */
  static async prepare(spec: ShardSpec, factories: LoadFactories): Promise<LoadShard> {
    await initHistograms();
    const { params } = spec;
    const check = params.onAlways ? await factories.createCheck(params.onAlways, spec.context) : undefined;
    const lanes: ShardLane[] = [];
    try {
      for (const clientIndex of spec.clientIndexes) {
        const input = await factories.createInput(params.inputs, { ...spec.context, clientIndex, endpoint: params.endpoint, docarray: spec.target.docarray });
        const client = factories.createClient({
          target: spec.target,
          prefetch: clientWindow(spec),
          grpcMode: params.grpcMode,
          websocketFraming: params.websocketFraming,
          requestTimeoutMs: params.requestTimeoutMs,
          // Only a check reads the response's documents; the recorder needs header and routes.
          decodeDocs: params.onAlways !== undefined,
        });
        lanes.push({ clientIndex, client, input, inFlight: 0 });
        await client.connect();
      }
    } catch (error) {
      await closeLanes(lanes);
      throw isStressError(error)
        ? error
        : new StressError('GATEWAY_CONNECTION', `could not prepare load clients: ${String(error)}`, { cause: error });
    }
    return new LoadShard(spec, lanes, check);
  }

  /** Runs the phase from `startEpochMs` (shared by all shards) and returns the shard's totals. */
  async run(startEpochMs: number, onSecond: (snapshot: SecondSnapshot) => void): Promise<ShardSnapshot> {
    this.startMs = startEpochMs - performance.timeOrigin;
    const arrival = this.spec.params.arrival;
    this.deadlineMs = this.startMs + (arrival ? arrival.durationS : this.spec.params.executionTimeS) * 1000;
    const recorder = new LoadRecorder({ ...this.spec, startMs: this.startMs, onSecond });
    this.recorder = recorder;
    const busyBefore = performance.eventLoopUtilization();
    const secondTimer = setInterval(() => recorder.rollTo(performance.now()), 1000);
    try {
      if (performance.now() < this.startMs) await delay(this.startMs - performance.now());
      await (arrival ? runOpenModel(this, arrival) : runClosedModel(this));
    } finally {
      clearInterval(secondTimer);
    }
    const endMs = performance.now();
    const cutOff = this.inFlight;
    this.isCut = true;
    await closeLanes(this.lanes);
    if (this.failure !== undefined) {
      recorder.finish(endMs);
      throw this.failure;
    }
    const busy = performance.eventLoopUtilization(busyBefore);
    return {
      ...recorder.finish(endMs),
      cutOff,
      ...(this.lag ? { lag: this.lag } : {}),
      ...(this.planned !== undefined ? { planned: this.planned } : {}),
      busyMs: busy.active,
      endedAtEpochMs: performance.timeOrigin + endMs,
    };
  }

  get isStopping(): boolean {
    return this.stopReason !== undefined;
  }

  /** An unexpected exception in the engine itself: stop, and let `run` rethrow it. */
  fail(error: unknown): void {
    this.failure ??= error;
    this.stop('signal');
  }

  stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    for (const wake of this.stopWaiters.splice(0)) wake();
  }

  /**
   * Sends the next batch of `lane`'s input and records the outcome. `intendedMs` (open model)
   * is when the schedule wanted the request to start: latency counts from there.
   */
  async send(lane: ShardLane, intendedMs?: number): Promise<void> {
    const docs = lane.input.take(this.spec.params.requestSize);
    lane.inFlight++;
    this.inFlight++;
    let result: PostResult;
    try {
      // Built field by field: a spread per request showed up in the generator's profile.
      const request: PostRequest = { endpoint: this.endpoint, docs, parameters: this.parameters, requestId: this.requestIds.next() };
      if (this.targetExecutor !== undefined) request.targetExecutor = this.targetExecutor;
      if (this.encodedDocs) request.encodedDocs = this.encodedDocs.encode(docs);
      if (this.encodedParameters) request.encodedParameters = this.encodedParameters;
      if (this.jsonDocs) request.jsonDocs = this.jsonDocs.serialise(docs);
      result = await lane.client.post(request);
    } catch (error) {
      // post() reports failures as values; a throw means a broken client, counted, not fatal.
      result = { status: 'protocol-error', requestId: '', message: String(error), sentAtMs: performance.now(), roundTripMs: 0 };
    }
    lane.inFlight--;
    this.inFlight--;
    if (this.isCut) return;
    const recorder = this.recorder!;
    const now = performance.now();
    recorder.record(result, docs.length, intendedMs === undefined ? result.roundTripMs : now - intendedMs, now);
    if (result.status === 'ok' && this.check) recorder.recordViolations(this.runCheck(docs, result.response, result.requestId), now);
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /**
   * Resolves when `work` is done and nothing is in flight, the phase is stopped, or the
   * deadline plus the grace has passed — whichever comes first. Then the shard is cut: what
   * is still in flight counts as cut off and its outcome is ignored.
   */
  async settle(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceEnd = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, this.deadlineMs + this.spec.deadlineGraceMs - performance.now()));
    });
    const drained = work.then(() => this.whenIdle());
    const stopped = new Promise<void>((resolve) => (this.isStopping ? resolve() : this.stopWaiters.push(resolve)));
    await Promise.race([drained, graceEnd, stopped]);
    clearTimeout(timer);
  }

  /** Resolves on the phase's stop command (abort or threshold), for waits inside the models. */
  whenStopped(): Promise<void> {
    return new Promise((resolve) => (this.isStopping ? resolve() : this.stopWaiters.push(resolve)));
  }

  private whenIdle(): Promise<void> {
    return new Promise((resolve) => (this.inFlight === 0 ? resolve() : this.idleWaiters.push(resolve)));
  }

  private runCheck(sent: PostRequest['docs'], response: Parameters<Check>[0]['response'], requestId: string): Violation[] {
    const { method, params } = this.spec;
    try {
      return this.check!({ method, endpoint: params.endpoint, ...(params.topK !== undefined ? { topK: params.topK } : {}), sent, response });
    } catch (error) {
      return [{ requestId, message: `check ${params.onAlways?.method} threw: ${String(error)}` }];
    }
  }
}

/**
 * Requests a client may have in flight. Closed model: `prefetch`. Open model: wide enough that
 * the arrival schedule, not the client's window, decides when requests start (the in-flight
 * cap is enforced by the shard, where a refusal is counted).
 */
function clientWindow(spec: ShardSpec): number {
  const { params } = spec;
  if (!params.arrival) return params.prefetch;
  const perClient = Number.isFinite(spec.maxInFlight) ? Math.ceil(spec.maxInFlight / spec.clientIndexes.length) : 1024;
  return Math.max(params.prefetch, perClient);
}

async function closeLanes(lanes: ShardLane[]): Promise<void> {
  const closing = Promise.allSettled(lanes.flatMap((lane) => [lane.client.close(), lane.input.close?.()]));
  await Promise.race([closing, delay(closeTimeoutMs)]);
}

/** The phase's parameters as a Struct, once; undefined when they cannot be encoded, so each post reports why. */
function encodeOnce(parameters: JsonObject, docarray: DocarrayVersion): Uint8Array | undefined {
  try {
    return encodeRequestParameters(parameters, docarray);
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
