import { performance } from 'node:perf_hooks';
import type { LoadStepParams } from './load-params.ts';
import { StressError } from '../errors.ts';
import type { GatewayTarget } from '../gateway/gateway-client.ts';
import type { LoadResult, SegmentPart } from './load-result.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { buildStepReport } from './build-step-report.ts';
import { initHistograms } from './histogram.ts';
import { defaultFactoriesModule, type LoadFactories } from './load-factories.ts';
import { LoadMerger, type LoadProgress } from './load-merger.ts';
import { startShard, type ShardHandle } from './shard-handle.ts';
import type { StopReason } from './shard-snapshot.ts';
import type { LoadContext, ShardSpec } from './shard-spec.ts';
import { findCertainBreach } from './threshold-watch.ts';
import { latencyLimits } from './thresholds.ts';
import { resolveWorkerCount } from './worker-count.ts';
import { GeneratorCpuSampler } from './generator-cpu-sampler.ts';
import { availableParallelism } from 'node:os';
import { WHOLE_SEGMENT, requestIdPrefix, segmentClients, segmentPlannedRequests, segmentShare, type LoadSegment } from './load-segment.ts';
import { randomBytes } from 'node:crypto';

export interface LoadTuning {
  /** Seconds between `onProgress` calls (default 5). */
  progressIntervalS?: number;
  /** Open model: a start this much behind schedule counts as late (default 10 ms). */
  lagToleranceMs?: number;
  /** In-flight requests may finish this long after the deadline before being cut off (default 50 ms). */
  deadlineGraceMs?: number;
  /** Violations kept as samples, with their request ids (default 10). */
  violationSamples?: number;
  /** Cores assumed by the default worker count (default: os.availableParallelism()). */
  cores?: number;
}

export interface RunLoadOptions extends Partial<LoadFactories> {
  params: LoadStepParams;
  target: GatewayTarget;
  job: string;
  step: string;
  method: 'index' | 'query';
  context: LoadContext;
  /** Seconds the loaded Flow took to become ready, when the job started it (goes into the result). */
  timeToReadyS?: number;
  /** Executor name → host, for executors placed on other hosts (goes into the result). */
  executorHosts?: Record<string, string>;
  /** Stops the phase; the partial report comes back with `stoppedBy: 'signal'`. */
  signal?: AbortSignal;
  onProgress?(progress: LoadProgress): void;
  /**
   * Module exporting `loadFactories` (default: the real client/input/check tables). Worker
   * threads can only get factories this way; `createClient`/`createInput`/`createCheck`
   * given directly apply in-process only.
   */
  factoriesModule?: string | URL;
  tuning?: LoadTuning;
  /**
   * This generator's part of the step when several run it (STRESS_SEGMENT): its block of
   * clients (closed) or every n-th request of the schedule (open). Default: the whole step.
   */
  segment?: LoadSegment;
  /** Seeds the request ids, so a rerun with the same run id sends the same ids (default: random). */
  runId?: string;
  /**
   * Called once every shard is ready to send: resolves to the epoch ms (this process's clock)
   * at which the phase starts, agreed with the other generators (STRESS_SEGMENT).
   */
  agreeStart?: () => Promise<number>;
}

export type { LoadProgress };

/** Start margin for worker shards, so the start message reaches every thread before it. */
const workerStartMarginMs = 5;

/**
 * Runs one load phase (closed model, or open when `params.arrival` is set) against a gateway
 * and returns its LoadResult with thresholds evaluated. It never throws for what the target
 * does (errors are counted); it throws StressError when the phase cannot start (clients
 * cannot connect, inputs or checks cannot be built) or the engine itself fails.
 */
export async function runLoad(options: RunLoadOptions): Promise<LoadResult> {
  await initHistograms();
  const { params, signal } = options;
  const tuning = options.tuning ?? {};
  const lagToleranceMs = tuning.lagToleranceMs ?? 10;
  const violationSamples = tuning.violationSamples ?? 10;
  const overrides = pickOverrides(options);
  const segment = options.segment ?? WHOLE_SEGMENT;
  const segmentClientIndexes = segmentClients(params.numClients, segment);
  const workers = resolveWorkerCount(segmentLoad(params, segment, segmentClientIndexes.length), tuning.cores);
  if (workers > 0 && Object.keys(overrides).length > 0) {
    throw new StressError('INTERNAL', 'factory functions cannot be passed to load worker threads', {
      hint: 'give factoriesModule (a module exporting loadFactories) instead, or set workers: 0',
    });
  }
  const shardCount = Math.max(1, workers);
  const limits = latencyLimits(params.thresholds);
  const specs = shardSpecs(options, segment, segmentClientIndexes, shardCount, limits, lagToleranceMs, violationSamples);

  let stoppedBy: StopReason | 'deadline' = 'deadline';
  let stopDetail: string | undefined;
  // Open model: the request budget that makes early threshold verdicts certain.
  const planned = params.arrival ? segmentPlannedRequests(new ArrivalSchedule(params.arrival).count, segment) : undefined;
  // One segment's certain breach is not the merged result's: only the merge judges then.
  const isAbortOnFail = params.abortOnFail && segment.count === 1;
  const handles: ShardHandle[] = [];
  const stopAll = (reason: StopReason, detail: string): void => {
    if (stoppedBy !== 'deadline') return;
    stoppedBy = reason;
    stopDetail = detail;
    for (const handle of handles) handle.send({ type: 'stop', reason });
  };
  const merger = new LoadMerger({
    shardCount,
    watchCount: limits.length,
    violationSamples,
    progressIntervalS: tuning.progressIntervalS ?? 5,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(isAbortOnFail
      ? {
          onTotals: (totals) => {
            const breach = findCertainBreach(params.thresholds, limits, totals, planned);
            if (breach) stopAll('threshold', breach);
          },
        }
      : {}),
  });
  for (const spec of specs) {
    handles.push(startShard(spec, { inWorker: workers > 0, overrides, onSecond: (snapshot) => merger.addSecond(snapshot) }));
  }
  const onAbort = (): void => stopAll('signal', describeAbort(signal?.reason));
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  try {
    await Promise.all(handles.map((handle) => handle.ready));
    // Run from several machines: the clients are ready, now the generators agree when to start.
    const agreedEpochMs = options.agreeStart ? await options.agreeStart() : undefined;
    const startEpochMs = Math.max(agreedEpochMs ?? 0, performance.timeOrigin + performance.now() + (workers > 0 ? workerStartMarginMs : 0));
    const cpuBefore = process.cpuUsage();
    const cpuSampler = new GeneratorCpuSampler();
    cpuSampler.start();
    for (const handle of handles) handle.send({ type: 'start', startEpochMs });
    const finals = await Promise.all(handles.map((handle) => handle.final));
    const cpu = process.cpuUsage(cpuBefore);
    const generatorCores = cpuSampler.stop();
    for (const final of finals) merger.addFinal(final);
    const merged = merger.finish();
    try {
      return buildStepReport(
        {
          job: options.job,
          step: options.step,
          method: options.method,
          params,
          target: options.target,
          startEpochMs,
          stoppedBy,
          ...(stopDetail !== undefined ? { stopDetail } : {}),
          generatorCpuMs: (cpu.user + cpu.system) / 1000,
          generatorCores,
          usableCores: tuning.cores ?? availableParallelism(),
          workers,
          lagToleranceMs,
          ...(options.timeToReadyS !== undefined ? { timeToReadyS: options.timeToReadyS } : {}),
          ...(options.executorHosts ? { executorHosts: options.executorHosts } : {}),
          ...(segment.count > 1 ? { segment: describeSegment(params, segment, segmentClientIndexes, planned) } : {}),
        },
        merged,
      );
    } finally {
      merged.destroy();
    }
  } catch (error) {
    // One shard failed: stop the others (in-process shards would otherwise run on).
    for (const handle of handles) handle.send({ type: 'stop', reason: 'signal' });
    throw error;
  } finally {
    merger.dispose();
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(handles.map((handle) => handle.dispose()));
  }
}

function pickOverrides(options: RunLoadOptions): Partial<LoadFactories> {
  const overrides: Partial<LoadFactories> = {};
  if (options.createClient) overrides.createClient = options.createClient;
  if (options.createInput) overrides.createInput = options.createInput;
  if (options.createCheck) overrides.createCheck = options.createCheck;
  return overrides;
}

function describeSegment(params: LoadStepParams, segment: LoadSegment, clients: number[], planned: number | undefined): SegmentPart {
  const total = params.arrival ? new ArrivalSchedule(params.arrival).count : params.numClients;
  const part = planned ?? clients.length;
  return { index: segment.index, count: segment.count, clients, ...(planned !== undefined ? { plannedRequests: planned } : {}), share: total > 0 ? part / total : 0 };
}

/** The segment's own load, for sizing its worker threads. */
function segmentLoad(params: LoadStepParams, segment: LoadSegment, clients: number): LoadStepParams {
  if (segment.count === 1) return params;
  const arrival = params.arrival;
  return {
    ...params,
    numClients: clients,
    ...(arrival
      ? { arrival: { ...arrival, arrivalRate: arrival.arrivalRate / segment.count, ...(arrival.rampTo !== undefined ? { rampTo: arrival.rampTo / segment.count } : {}) } }
      : {}),
  };
}

function shardSpecs(
  options: RunLoadOptions,
  segment: LoadSegment,
  segmentClientIndexes: number[],
  shardCount: number,
  limits: ShardSpec['watch'],
  lagToleranceMs: number,
  violationSamples: number,
): ShardSpec[] {
  const { params } = options;
  const factoriesModule = options.factoriesModule ? String(options.factoriesModule) : defaultFactoriesModule;
  const maxInFlight = params.arrival?.maxInFlight;
  const phaseKey = `${options.runId ?? randomBytes(8).toString('hex')}/${options.job}/${options.step}`;
  return Array.from({ length: shardCount }, (_, shardIndex) => ({
    shardIndex,
    shardCount,
    segment,
    requestIdPrefix: requestIdPrefix(segment, shardIndex, phaseKey),
    method: options.method,
    params,
    target: options.target,
    clientIndexes: segmentClientIndexes.filter((_, position) => position % shardCount === shardIndex),
    context: options.context,
    factoriesModule,
    watch: limits,
    lagToleranceMs,
    deadlineGraceMs: options.tuning?.deadlineGraceMs ?? 50,
    violationSamples,
    maxInFlight: maxInFlight === undefined ? Infinity : Math.ceil(Math.max(1, segmentShare(maxInFlight, segment)) / shardCount),
  }));
}

function describeAbort(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}
