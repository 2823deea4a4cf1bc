import { readFile } from 'node:fs/promises';
import { isStressError, StressError } from '../errors.ts';
import { parseBaseline, type BaselineFile } from '../load/baseline-file.ts';
import { compareCapacity } from '../load/capacity-regression.ts';
import type { CapacityResult } from '../load/capacity-result.ts';
import type { CapacityGate, RegressionGate } from '../load/load-params.ts';
import type { LoadResult, RegressionReport } from '../load/load-result.ts';
import { compareWithBaseline } from '../load/regression-gate.ts';

/** Where the baseline is, as the report names it. */
export function describeBaselineSource(source: RegressionGate['source']): string {
  return source.kind === 'file' ? source.file : `s3://${source.bucket}/${source.key}`;
}

/**
 * The regression gate of a load step: read the baseline (file or S3), find the step of the
 * same job and name (or `baseline.step`), compare. A baseline that is not there is `missing`
 * (if_missing decides); one that is there but unreadable or of another format, or a store
 * that does not answer, is an error.
 */
export async function compareStepWithBaseline(result: LoadResult, gate: RegressionGate, signal?: AbortSignal): Promise<RegressionReport> {
  try {
    return await compare(result, gate, signal);
  } catch (error) {
    // The phase's numbers are kept either way: the failure is the report's, judged with it.
    if (!isStressError(error)) throw error;
    return { status: 'unreadable', source: describeBaselineSource(gate.source), reason: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
}

async function compare(result: LoadResult, gate: RegressionGate, signal?: AbortSignal): Promise<RegressionReport> {
  const found = await findBaselineStep(result, gate, signal);
  return found.status === 'found' ? compareWithBaseline(result, found.step, gate, found.ref) : found.report;
}

/**
 * find_capacity's gate: the same baseline, read the same way; the capacity of the baseline's
 * step (what its find_capacity found) against this search's, bracket against bracket.
 */
export async function compareCapacityWithBaseline(result: LoadResult & { capacity: CapacityResult }, gate: CapacityGate, signal?: AbortSignal): Promise<RegressionReport> {
  try {
    const found = await findBaselineStep(result, gate, signal);
    return found.status === 'found' ? compareCapacity(result.capacity, found.step.capacity, gate.capacityLimit, found.ref) : found.report;
  } catch (error) {
    if (!isStressError(error)) throw error;
    return { status: 'unreadable', source: describeBaselineSource(gate.source), reason: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
}

type BaselineRef = Extract<RegressionReport, { status: 'compared' }>['baseline'];

/** The baseline's step of the same job and name (or `step`), or the report that says why there is none. */
async function findBaselineStep(
  result: Pick<LoadResult, 'job' | 'step'>,
  gate: Pick<RegressionGate, 'source' | 'step' | 'ifMissing'>,
  signal?: AbortSignal,
): Promise<{ status: 'found'; step: BaselineFile['steps'][number]; ref: BaselineRef } | { status: 'missing'; report: RegressionReport }> {
  const source = describeBaselineSource(gate.source);
  const missing = (reason: string) => ({ status: 'missing' as const, report: { status: 'missing' as const, source, reason, ifMissing: gate.ifMissing } });
  const read = await readBaselineText(gate.source, signal);
  if (read.status === 'not-found') return missing(read.reason);
  const baseline: BaselineFile = parseBaseline(read.text, source);
  const stepName = gate.step ?? result.step;
  const step = baseline.steps.find((candidate) => candidate.job === result.job && candidate.step === stepName);
  if (!step) {
    const has = baseline.steps.map((candidate) => `${candidate.job}/${candidate.step}`).join(', ') || 'no load steps';
    return missing(`${source} has no step ${result.job}/${stepName} (it has: ${has})`);
  }
  return { status: 'found', step, ref: { source, runId: baseline.runId, createdAt: baseline.createdAt, job: step.job, step: step.step } };
}

async function readBaselineText(source: RegressionGate['source'], signal?: AbortSignal): Promise<{ status: 'found'; text: string } | { status: 'not-found'; reason: string }> {
  if (source.kind === 'file') {
    try {
      return { status: 'found', text: await readFile(source.file, 'utf8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'not-found', reason: `no file ${source.file}` };
      throw new StressError('BASELINE', `could not read the baseline ${source.file}: ${(error as Error).message}`, { cause: error });
    }
  }
  // The S3 SDK loads only when a step compares with an S3 baseline.
  const { readS3ObjectText } = await import('../sinks/s3-read-object.ts');
  const { s3ConnectionOf } = await import('./s3-keys.ts');
  const read = await readS3ObjectText({ bucket: source.bucket, key: source.key, ...s3ConnectionOf(source), ...(signal ? { signal } : {}) });
  if (read.status === 'failed') {
    throw new StressError('BASELINE', `could not read the baseline s3://${source.bucket}/${source.key}: ${read.reason}`, {
      hint: 'check the endpoint, region and credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile)',
    });
  }
  return read.status === 'found' ? read : { status: 'not-found', reason: `no object s3://${source.bucket}/${source.key} (${read.reason})` };
}
