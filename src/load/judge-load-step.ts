import { StressError } from '../errors.ts';
import { executorLabel } from './executor-label.ts';
import type { ErrorCounts, LoadResult, ThresholdOutcome } from './load-result.ts';
import { regressionFailure } from './regression-gate.ts';
import { errorBudgetOutcome, renderThresholdTable } from './thresholds.ts';

/** The prefixes of the messages built here; Allure's failure categories key on them. */
export const THRESHOLD_BREACH_PREFIX = 'Threshold breached';
export const CHECK_VIOLATION_PREFIX = 'Check violated';

/**
 * A load step's verdict on its own measurements. `thresholds` are the result's outcomes with
 * the error budget judged afresh from the counters, so a result built by hand, merged from
 * several generators, or read back from a summary.json is judged the same way.
 */
export type LoadVerdict =
  | { status: 'passed'; thresholds: ThresholdOutcome[] }
  | { status: 'failed'; thresholds: ThresholdOutcome[]; failure: StressError };

/**
 * The one judge of a load phase, used by the step, the stats table and any merge of results.
 * First match wins:
 * 1. interrupted (the abort signal): the numbers are partial;
 * 2. a breached threshold the user set, and/or check violations beyond the tolerance;
 * 3. nothing succeeded (said honestly: answered with errors, or cut off unanswered);
 * 4. the default error budget (`thresholds.error_rate`, 1% unless set);
 * 5. the regression gate: a metric significantly worse than the baseline beyond its limit,
 *    or no baseline (regression-gate.ts).
 */
export function judgeLoadStep(result: LoadResult): LoadVerdict {
  const budget = errorBudgetOutcome(result);
  const thresholds = [...result.thresholds.filter((outcome) => outcome.name !== budget.name), budget];
  const failed = (failure: StressError): LoadVerdict => ({ status: 'failed', thresholds, failure });
  const method = result.method;

  if (result.stoppedBy === 'signal') {
    return failed(new StressError('STEP_FAILED', `${method} was interrupted after ${result.wallTimeS.toFixed(1)}s; the partial report is attached`));
  }
  const isDefaultBudget = result.config.thresholds.errorRate === undefined;
  const chosen = thresholds.filter((outcome) => !outcome.passed && !(outcome === budget && isDefaultBudget));
  const breaches = describeThresholdBreaches(result, chosen);
  const violations = describeTooManyViolations(result);
  if (breaches) {
    return failed(
      new StressError('THRESHOLD', violations ? `${breaches}. ${violations}` : breaches, {
        hint: 'See the step attachments (charts, percentiles) for where the time went.',
        details: { breaches: chosen, table: renderThresholdTable(thresholds) },
      }),
    );
  }
  if (violations) {
    return failed(
      new StressError('CHECK', violations, {
        hint: 'The response validator rejected responses; the summary attachment lists samples.',
        details: { violations: result.violations },
      }),
    );
  }
  if (result.okRequests === 0) return failed(nothingSucceeded(result));
  if (!budget.passed) {
    return failed(
      new StressError('THRESHOLD', describeThresholdBreaches(result, [budget]) as string, {
        hint: 'Every load step fails above its error budget; set thresholds.error_rate on the step to allow more (or less).',
        details: { breaches: [budget], table: renderThresholdTable(thresholds) },
      }),
    );
  }
  const regression = regressionFailure(result);
  if (regression) return failed(regression);
  return { status: 'passed', thresholds };
}

/** The judge's failure, or undefined when the step passed. */
export function loadStepFailure(result: LoadResult): StressError | undefined {
  const verdict = judgeLoadStep(result);
  return verdict.status === 'failed' ? verdict.failure : undefined;
}

function formatMeasure(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 1 ? 4 : 1);
}

/** `Threshold breached in job/step: p99_ms measured 812.4, limit 500; …` or undefined. */
export function describeThresholdBreaches(result: LoadResult, breaches: readonly ThresholdOutcome[]): string | undefined {
  if (breaches.length === 0) return undefined;
  const parts = breaches.map((outcome) => {
    const measured = `${outcome.name} measured ${formatMeasure(outcome.measured)}, limit ${formatMeasure(outcome.limit)}`;
    const noted = outcome.note ? `${measured} (${outcome.note})` : measured;
    // Which executor (and host) the errors came from, and the first as said: the cause.
    return outcome.name === 'error_rate' && result.errors.total > 0 ? `${noted} [errors: ${describeErrors(result.errors, result)}]` : noted;
  });
  return `${THRESHOLD_BREACH_PREFIX} in ${result.job}/${result.step}: ${parts.join('; ')}`;
}

/** `Check violated in job/step: 12 responses (first: …)` or undefined. */
export function describeCheckViolations(result: LoadResult, checkName?: string, tolerated = 0): string | undefined {
  if (result.violations.count === 0) return undefined;
  const by = checkName ? ` by ${checkName}` : '';
  const allowance = tolerated > 0 ? `, ${tolerated} tolerated` : '';
  const first = result.violations.samples[0];
  const sample = first ? ` (first: request ${first.requestId}: ${first.message})` : '';
  return `${CHECK_VIOLATION_PREFIX} in ${result.job}/${result.step}: ${result.violations.count} responses${by}${allowance}${sample}`;
}

/**
 * With a `max_violations` threshold the threshold outcome judges violations; without one, the
 * step's `max_violations` tolerance does (default 0: the seed asserted on every response).
 */
function describeTooManyViolations(result: LoadResult): string | undefined {
  if (result.config.thresholds.maxViolations !== undefined) return undefined;
  const tolerated = result.config.maxViolations ?? 0;
  if (result.violations.count <= tolerated) return undefined;
  return describeCheckViolations(result, result.config.onAlways?.method, tolerated);
}

/**
 * No request came back without an error. Said from the counts as they are: requests cut off
 * in flight at the end were sent and never answered (a stalled Flow), which is not the same
 * as a Flow that refused or failed every request.
 */
function nothingSucceeded(result: LoadResult): StressError {
  const { requests, cutOff, errors } = result;
  const sent = requests + cutOff;
  const failedPart = requests > 0 ? `${requests} answered with an error (${describeErrors(errors, result)})` : 'none answered';
  const cutPart = cutOff > 0 ? `, ${cutOff} cut off in flight when the phase ended` : '';
  const hint =
    cutOff > 0
      ? 'the Flow took requests but did not answer them in time: is an executor stalled or far slower than execution_time? its log and the summary attachment say more'
      : requests > 0
        ? 'is the Flow running and serving this protocol? the summary attachment has the error counts'
        : 'no request was sent: is the Flow running and serving this protocol?';
  return new StressError('STEP_FAILED', `${result.method}: no request succeeded (${sent} sent: ${failedPart}${cutPart})`, { hint });
}

function describeErrors(errors: ErrorCounts, result: LoadResult): string {
  const parts = [
    errors.connection ? `${errors.connection} connection` : '',
    errors.timeout ? `${errors.timeout} timeout` : '',
    errors.protocol ? `${errors.protocol} protocol` : '',
    ...Object.entries(errors.statusByExecutor).map(([executor, count]) => `${count} error status from ${executorLabel(result, executor)}`),
  ].filter(Boolean);
  // The first error as said: what an executor or the gateway answered names the cause.
  const first = errors.samples?.[0];
  const sample = first ? `; first: ${first.executor ? `${executorLabel(result, first.executor)}: ` : ''}${first.message}` : '';
  return (parts.join(', ') || 'none') + sample;
}
