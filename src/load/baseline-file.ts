import { StressError } from '../errors.ts';
import type { CapacityResult } from './capacity-result.ts';
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
  /**
   * A find_capacity step's whole search (status, bracket, resolution in its plan, every probe):
   * what a later find_capacity compares its capacity with. The fields above are its reported
   * probe's (the highest passing rate). Absent for index/query steps.
   */
  capacity?: CapacityResult;
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
    ...(result.capacity ? { capacity: result.capacity } : {}),
  };
}

/**
 * A baseline file's text as a BaselineFile, or a StressError that says what is wrong with it:
 * a corrupt or foreign file is an error even with `if_missing: pass` (it is there, and wrong).
 */
export function parseBaseline(text: string, source: string): BaselineFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StressError('BASELINE', `baseline ${source} is not JSON: ${(error as Error).message}`, { hint: 'save_baseline writes this file; was it truncated or replaced?' });
  }
  const file = value as Partial<BaselineFile> | null;
  if (!file || typeof file !== 'object' || file.format !== BASELINE_FORMAT) {
    throw new StressError('BASELINE', `${source} is not a jina-stress baseline (no "format": "${BASELINE_FORMAT}")`, { hint: 'point baseline at a file save_baseline wrote' });
  }
  if (file.version !== BASELINE_VERSION) {
    throw new StressError('BASELINE', `baseline ${source} has version ${String(file.version)}; this jina-stress reads version ${BASELINE_VERSION}`, {
      hint: 'write a new baseline with this version (run save_baseline once)',
    });
  }
  if (!Array.isArray(file.steps) || file.steps.some((step) => !step || !Array.isArray(step.series) || typeof step.wallTimeS !== 'number')) {
    throw new StressError('BASELINE', `baseline ${source} has no per-second series for its steps`, { hint: 'write a new baseline with save_baseline' });
  }
  return file as BaselineFile;
}
