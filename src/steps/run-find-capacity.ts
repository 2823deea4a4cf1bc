import type { FindCapacityParams } from '../capacity/find-capacity-params.ts';
import { formatRate, searchCapacity } from '../capacity/search-capacity.ts';
import { describeResolution, summarizePlan } from '../capacity/search-plan.ts';
import { StressError } from '../errors.ts';
import type { CapacityResult } from '../load/capacity-result.ts';
import { formatLoadProgress } from '../load/format-load-progress.ts';
import { runLoad } from '../load/run-load.ts';
import { regressionFailure, renderRegressionTable, summarizeRegression } from '../load/regression-gate.ts';
import { renderThresholdTable } from '../load/thresholds.ts';
import { buildCapacityAttachments } from '../report/capacity-attachments.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import { redactDeep } from '../report/redact-secrets.ts';
import { measureWithHostMetrics, metricsAgentsOf } from './collect-host-metrics.ts';
import { findLoadTarget } from './find-load-target.ts';
import type { StepContext } from './step-context.ts';
import type { StepOutcome } from './step-outcome.ts';

/**
 * The body of `find_capacity`: find the gateway as the load steps do, run the search with the
 * load engine (one open-model phase per warm-up and per probe), then report the highest
 * passing probe with the whole search attached and judge the search.
 */
export async function runFindCapacity(context: StepContext, params: FindCapacityParams): Promise<StepOutcome> {
  const { job } = context;
  if (context.segment && context.segment.count > 1) {
    throw new StressError('STEP_FAILED', `find_capacity cannot run as segment ${context.segment.index}/${context.segment.count}: each generator would search on its own`, {
      hint: 'run find_capacity from one generator (without STRESS_SEGMENT), or select the other steps with -t',
    });
  }
  const { load, objective, plan } = params;
  const { target, phase } = await findLoadTarget(context, load);
  const summary = summarizePlan(plan);
  context.log(
    `find_capacity against ${target.protocol}://${target.host}:${target.port}: from ${plan.startRate} req/s ×${plan.growth} up to ${plan.maxRate}, ` +
      `resolution ${describeResolution(plan.resolution)}; ${summary.probesThatFit} probes fit in ${plan.maxDurationS} s, at most ${summary.probesNeeded} needed (repeats from the rest)`,
  );
  const baseRunId = context.distributedRunId ?? job.run.runId;
  const metricsAgents = metricsAgentsOf(job);
  const { result, report } = await searchCapacity({
    plan,
    objective,
    signal: context.signal,
    log: (message) => context.log(message),
    // Each probe with the agents sampling around it: the busiest process names the binding resource.
    runPhase: ({ rate, durationS, graceMs, key }) =>
      measureWithHostMetrics(metricsAgents, durationS + 120, () => runLoad({
        ...phase,
        params: { ...load, executionTimeS: durationS, arrival: { arrivalRate: rate, durationS, allowLag: true, ...(load.arrival?.maxInFlight !== undefined ? { maxInFlight: load.arrival.maxInFlight } : {}) } },
        method: 'query',
        signal: context.signal,
        onProgress: (progress) => context.progress(`${key} at ${formatRate(rate)} req/s: ${formatLoadProgress(progress, { plannedS: durationS })}`),
        tuning: { deadlineGraceMs: graceMs, ...(context.progressIntervalS === undefined ? {} : { progressIntervalS: context.progressIntervalS }) },
        runId: `${baseRunId}/${key}`,
      })),
  });
  if (!report) throw new StressError('STEP_FAILED', `find_capacity ran no probe: ${result.message}`, { hint: 'raise max_duration so that one probe (warmup + probe_duration) fits' });
  // Error samples carry what executors said, which may echo a credential the Flow was given.
  const redacted = redactDeep(report, job.run.knownSecrets);
  context.log(formatStepSummary(redacted));
  if (params.regression) {
    const { compareCapacityWithBaseline } = await import('./compare-with-baseline.ts');
    redacted.regression = await compareCapacityWithBaseline({ ...redacted, capacity: result }, params.regression, context.signal);
    context.log(summarizeRegression(redacted.regression));
  }
  const failure = judgeWithRegression(judgeCapacity(result, context.step.name), regressionFailure(redacted));
  const artifacts = buildCapacityAttachments(redacted);
  if (redacted.regression) artifacts.push({ name: 'regression.txt', contentType: 'text/plain', body: `${renderRegressionTable(redacted.regression)}\n` });
  return { report: redacted, artifacts, ...(failure ? { failure } : {}) };
}

/** The search's failure comes first (the capacity may not mean much then); a regression is added to it, or is the failure. */
function judgeWithRegression(search: StressError | undefined, regression: StressError | undefined): StressError | undefined {
  if (!search || !regression) return search ?? regression;
  return new StressError(search.code, `${search.message}; and ${regression.message}`, { ...(search.hint ? { hint: search.hint } : {}), ...(search.details ? { details: search.details } : {}) });
}

/** The search's verdict: found (or above max_rate) passes; anything else says why it did not. */
function judgeCapacity(result: CapacityResult, step: string): StressError | undefined {
  switch (result.status) {
    case 'found':
    case 'above-max-rate':
      return undefined;
    case 'start-rate-fails': {
      const first = result.probes[result.probes.length - 1];
      const broken = first?.outcomes.filter((outcome) => !outcome.passed) ?? [];
      return new StressError('THRESHOLD', `Threshold breached in ${step}: ${result.message}: ${first?.notes.join('; ') ?? ''}`, {
        hint: 'lower start_rate (it must meet the objective), or loosen the objective',
        details: { breaches: broken, table: renderThresholdTable(first?.outcomes ?? []) },
      });
    }
    case 'generator-saturated':
      return new StressError('STEP_FAILED', `${step}: ${result.message}`, {
        hint: 'give the generator more room (workers, a machine of its own, several generators with index/query steps) or lower max_rate',
      });
    case 'unresolved':
      return new StressError('STEP_FAILED', `${step}: ${result.message}; the capacity is at least ${formatRate(result.maxSustainableRate)} req/s`, {
        hint: 'raise max_duration, or coarsen resolution; repeats of marginal probes and drains after failing ones use time too',
      });
    case 'interrupted':
      return new StressError('STEP_FAILED', `${step}: ${result.message}`);
  }
}
