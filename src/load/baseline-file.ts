import { judgeLoadStep } from './judge-load-step.ts';
import type { ErrorCounts, ExecutorSummary, LatencySummary, LoadResult, SecondSample, ThresholdOutcome } from './load-result.ts';

/** The one format of a baseline; a reader refuses other versions rather than guess. */
export const BASELINE_FORMAT = 'jina-stress-baseline';
export const BASELINE_VERSION = 1;

/**
 * One load step of a baseline run: what a later run compares itself with (issue 16's
 * regression gate) — its counters, per-second series and HDR histograms (encoded, so
 * percentiles and their distributions can be recomputed exactly), and the step's verdict.
 */
export interface BaselineStep {
  job: string;
  step: string;
  method: LoadResult['method'];
  model: LoadResult['model'];
  protocol: string;
  startedAt: string;
  wallTimeS: number;
  stoppedBy: LoadResult['stoppedBy'];
  counters: {
    requests: number;
    okRequests: number;
    cutOff: number;
    docs: number;
    docsPerSec: number;
    qps: number;
    violations: number;
    errors: Omit<ErrorCounts, 'samples'>;
  };
  latency: LatencySummary;
  executors: ExecutorSummary[];
  series: SecondSample[];
  histograms: LoadResult['histograms'];
  thresholds: ThresholdOutcome[];
  verdict: { status: 'passed' } | { status: 'failed'; message: string };
}

export interface BaselineFile {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_VERSION;
  createdAt: string;
  runId: string;
  config: { path: string; hash: string };
  steps: BaselineStep[];
}

/** The baseline of a run's load steps, each judged as its step was (judgeLoadStep). */
export function buildBaseline(results: readonly LoadResult[], source: { runId: string; configPath: string; configHash: string; createdAt?: Date }): BaselineFile {
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    createdAt: (source.createdAt ?? new Date()).toISOString(),
    runId: source.runId,
    config: { path: source.configPath, hash: source.configHash },
    steps: results.map(baselineStepOf),
  };
}

function baselineStepOf(result: LoadResult): BaselineStep {
  const verdict = judgeLoadStep(result);
  const { samples: _samples, ...errors } = result.errors;
  return {
    job: result.job,
    step: result.step,
    method: result.method,
    model: result.model,
    protocol: result.gateway.protocol,
    startedAt: result.startedAt,
    wallTimeS: result.wallTimeS,
    stoppedBy: result.stoppedBy,
    counters: {
      requests: result.requests,
      okRequests: result.okRequests,
      cutOff: result.cutOff,
      docs: result.docs,
      docsPerSec: result.docsPerSec,
      qps: result.qps,
      violations: result.violations.count,
      errors,
    },
    latency: result.latency,
    executors: result.executors,
    series: result.series,
    histograms: result.histograms,
    thresholds: verdict.thresholds,
    verdict: verdict.status === 'passed' ? { status: 'passed' } : { status: 'failed', message: verdict.failure.message },
  };
}
