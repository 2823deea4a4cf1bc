import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import type { LatencySummary, SecondSample, LoadResult, ThresholdOutcome } from '../../src/load/load-result.ts';
import { evaluateThresholds } from '../../src/load/thresholds.ts';

/**
 * A complete LoadResult (every required field, thresholds evaluated by the engine's own
 * evaluateThresholds) built the way the load engine builds one: simulated requests whose per-executor
 * and round-trip times are drawn from log-normal distributions (seeded, so tests are stable),
 * recorded into real hdr-histogram-js histograms in microseconds, summarised from them.
 */
export interface SampleExecutor {
  name: string;
  /** Median time in this executor, ms. */
  medianMs: number;
}

export interface SampleOptions {
  job?: string;
  step?: string;
  method?: 'index' | 'query';
  client?: LoadStepParams['client'];
  numClients?: number;
  requestSize?: number;
  seconds?: number;
  requestsPerSecond?: number;
  executors?: SampleExecutor[];
  /** Every n-th request fails with a connection error (0 = none). */
  errorEvery?: number;
  /** Threshold outcomes as given; default: the engine's evaluation of the step's (empty) thresholds. */
  thresholds?: ThresholdOutcome[];
  seed?: number;
}

/** mulberry32: tiny, seedable, good enough to shape latencies. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logNormalMs(random: () => number, medianMs: number, sigma = 0.35): number {
  const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * gaussian);
}

const newHistogram = (): Histogram => hdr.build({ numberOfSignificantValueDigits: 3 });
const microseconds = (ms: number): number => Math.max(1, Math.round(ms * 1000));
const ms = (us: number): number => us / 1000;

function summarise(histogram: Histogram): LatencySummary {
  return {
    count: histogram.totalCount,
    minMs: ms(histogram.minNonZeroValue),
    meanMs: ms(histogram.mean),
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p90Ms: ms(histogram.getValueAtPercentile(90)),
    p95Ms: ms(histogram.getValueAtPercentile(95)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    p999Ms: ms(histogram.getValueAtPercentile(99.9)),
    maxMs: ms(histogram.maxValue),
  };
}

export function buildSampleLoadResult(options: SampleOptions = {}): LoadResult {
  const random = seededRandom(options.seed ?? 7);
  const method = options.method ?? 'index';
  const seconds = options.seconds ?? 12;
  const perSecond = options.requestsPerSecond ?? 40;
  const requestSize = options.requestSize ?? 100;
  const executors = options.executors ?? [
    { name: 'encoder', medianMs: 6 },
    { name: 'indexer', medianMs: method === 'query' ? 14 : 9 },
  ];
  const roundTrip = newHistogram();
  const docsPerRequest = newHistogram();
  const gateway = newHistogram();
  const executorHistograms = new Map(executors.map((executor) => [executor.name, newHistogram()]));
  const series: SecondSample[] = [];
  let requests = 0;
  let errors = 0;
  for (let second = 0; second < seconds; second += 1) {
    const secondHistogram = newHistogram();
    const executorTotals = new Map(executors.map((executor) => [executor.name, 0]));
    // A slow patch in the middle so the charts have a shape worth looking at.
    const slowdown = second >= seconds / 2 && second < seconds / 2 + 2 ? 2.5 : 1;
    const count = Math.round(perSecond / slowdown);
    let secondErrors = 0;
    for (let index = 0; index < count; index += 1) {
      requests += 1;
      if (options.errorEvery && requests % options.errorEvery === 0) {
        errors += 1;
        secondErrors += 1;
        continue;
      }
      let executorSumMs = 0;
      for (const executor of executors) {
        const spentMs = logNormalMs(random, executor.medianMs * slowdown);
        executorSumMs += spentMs;
        executorHistograms.get(executor.name)?.recordValue(microseconds(spentMs));
        executorTotals.set(executor.name, (executorTotals.get(executor.name) ?? 0) + spentMs);
      }
      const gatewayMs = executorSumMs + logNormalMs(random, 0.8);
      const totalMs = gatewayMs + logNormalMs(random, 1.5);
      gateway.recordValue(microseconds(gatewayMs));
      docsPerRequest.recordValue(requestSize);
      roundTrip.recordValue(microseconds(totalMs));
      secondHistogram.recordValue(microseconds(totalMs));
    }
    const succeeded = count - secondErrors;
    series.push({
      second,
      requests: count,
      docs: succeeded * requestSize,
      errors: secondErrors,
      p50Ms: ms(secondHistogram.getValueAtPercentile(50)),
      p99Ms: ms(secondHistogram.getValueAtPercentile(99)),
      executorMeanMs: Object.fromEntries([...executorTotals].map(([name, total]) => [name, succeeded ? total / succeeded : 0])),
    });
  }
  const succeededTotal = requests - errors;
  const summedExecutorMs = [...executorHistograms.values()].reduce((sum, h) => sum + h.mean * h.totalCount, 0);
  const wallTimeS = seconds;
  const config: LoadStepParams = {
    client: options.client ?? 'grpc',
    numClients: options.numClients ?? 4,
    requestSize,
    executionTimeS: seconds,
    ...(method === 'query' ? { topK: 10 } : {}),
    endpoint: method === 'query' ? '/search' : '/index',
    parameters: {},
    inputs: { method: 'random_images', kwargs: { num_docs: 1000 } },
    prefetch: 1,
    grpcMode: 'stream',
    websocketFraming: 'bytes',
    requestTimeoutMs: 30_000,
    thresholds: {},
    maxViolations: 0,
    abortOnFail: false,
  };
  const result: LoadResult = {
    job: options.job ?? 'images-stress-test',
    step: options.step ?? method,
    method,
    config,
    model: 'closed',
    gateway: { host: '127.0.0.1', port: 23456, protocol: config.client },
    startedAt: '2026-11-20T10:00:00.000Z',
    wallTimeS,
    stoppedBy: 'deadline',
    requests,
    okRequests: succeededTotal,
    cutOff: 0,
    docs: succeededTotal * requestSize,
    docsPerSec: (succeededTotal * requestSize) / wallTimeS,
    qps: requests / wallTimeS,
    latency: summarise(roundTrip),
    executors: executors.map((executor) => {
      const histogram = executorHistograms.get(executor.name) as Histogram;
      return {
        executor: executor.name,
        count: histogram.totalCount,
        meanMs: ms(histogram.mean),
        p50Ms: ms(histogram.getValueAtPercentile(50)),
        p95Ms: ms(histogram.getValueAtPercentile(95)),
        p99Ms: ms(histogram.getValueAtPercentile(99)),
        share: (histogram.mean * histogram.totalCount) / summedExecutorMs,
      };
    }),
    gatewayOverhead: summarise(gateway),
    errors: { total: errors, connection: errors, timeout: 0, protocol: 0, statusByExecutor: {} },
    violations: { count: 0, samples: [] },
    generatorCpuMs: seconds * 180,
    generatorBusyMs: seconds * 150,
    workers: 0,
    series,
    histograms: {
      roundTrip: hdr.encodeIntoCompressedBase64(roundTrip),
      executors: Object.fromEntries([...executorHistograms].map(([name, h]) => [name, hdr.encodeIntoCompressedBase64(h)])),
      gateway: hdr.encodeIntoCompressedBase64(gateway),
      docsPerRequest: hdr.encodeIntoCompressedBase64(docsPerRequest),
    },
    thresholds: [],
  };
  result.thresholds = options.thresholds ?? evaluateThresholds(result, config.thresholds);
  return result;
}
