import type { LoadStepParams } from '../load/load-params.ts';
import { runLoad } from '../load/run-load.ts';
import { createCpuMeter, formatLoadProgress } from '../load/format-load-progress.ts';
import { judgeLoadStep } from '../load/judge-load-step.ts';
import { renderRegressionTable, summarizeRegression } from '../load/regression-gate.ts';
import { buildLoadAttachments } from '../report/load-attachments.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import { redactDeep } from '../report/redact-secrets.ts';
import { measureWithHostMetrics, metricsAgentsOf } from './collect-host-metrics.ts';
import { findLoadTarget } from './find-load-target.ts';
import type { StepContext } from './step-context.ts';
import type { StepOutcome } from './step-outcome.ts';

/**
 * The body of `index` and `query`: find the gateway, run the phase, keep the report, then
 * judge it (judgeLoadStep). The report is kept and attached before judging, so a failing step
 * still leaves its numbers behind.
 */
export async function runLoadStep(context: StepContext, method: 'index' | 'query', params: LoadStepParams): Promise<StepOutcome> {
  const { job } = context;
  const { target, endpointSchemas, phase } = await findLoadTarget(context, params);
  if (context.segment) context.log(`${method}: segment ${context.segment.index}/${context.segment.count} of the load`);
  context.log(`${method}: ${params.arrival ? 'open' : 'closed'} model against ${target.protocol}://${target.host}:${target.port}`);
  // Run from several machines: every generator starts the phase at one moment agreed through
  // the agent, once its clients are ready to send.
  const { segmentRun } = job;
  const agreeStart = segmentRun
    ? async () => {
        const agreed = await segmentRun.agreePhaseStart(context.step.index, context.signal);
        const absent = agreed.missing.map((index) => `${index}/${segmentRun.options.segment.count}`).join(', ');
        context.log(`${method}: starts at ${agreed.startAt.toISOString()} as agreed through the agent${absent ? ` (without generator${agreed.missing.length > 1 ? 's' : ''} ${absent}: not there within STRESS_SEGMENT_TIMEOUT_S)` : ' with every generator'}`);
        return agreed.localStartEpochMs;
      }
    : undefined;
  if (!segmentRun && context.segment && context.segment.count > 1) {
    context.log(`${method}: this phase starts when this generator gets here, not at a time agreed with the others (the job has no agent every generator shares)`);
  }
  const plannedS = params.arrival?.durationS ?? params.executionTimeS;
  const cpuPercent = createCpuMeter();
  const measured = await measureWithHostMetrics(metricsAgentsOf(job), plannedS + 120, () =>
    runLoad({
      ...phase,
      params,
      method,
      signal: context.signal,
      onProgress: (p) => context.progress(formatLoadProgress(p, { plannedS, cpuPercent: cpuPercent() })),
      ...(context.progressIntervalS === undefined ? {} : { tuning: { progressIntervalS: context.progressIntervalS } }),
      ...(context.segment ? { segment: context.segment } : {}),
      runId: context.distributedRunId ?? job.run.runId,
      ...(agreeStart ? { agreeStart } : {}),
    }),
  );
  // Error samples carry what executors said, which may echo a credential the Flow was given.
  const report = redactDeep(measured, job.run.knownSecrets);
  context.log(formatStepSummary(report));
  if (params.regression && context.segment) {
    // One generator's share of the load is not the step the baseline measured (its qps is a
    // fraction); the merged result is what compares, and merging does not run the gate yet.
    context.log('regression gate: not run in a segment (one generator of several); the baseline compares with whole steps');
  } else if (params.regression) {
    const { compareStepWithBaseline } = await import('./compare-with-baseline.ts');
    report.regression = await compareStepWithBaseline(report, params.regression, context.signal);
    context.log(summarizeRegression(report.regression));
  }
  const verdict = judgeLoadStep(report);
  const artifacts = buildLoadAttachments(report);
  if (report.regression) artifacts.push({ name: 'regression.txt', contentType: 'text/plain', body: `${renderRegressionTable(report.regression)}\n` });
  if (endpointSchemas.status === 'found') artifacts.push({ name: 'endpoint schemas.json', contentType: 'application/json', body: `${JSON.stringify(endpointSchemas, null, 2)}\n` });
  return { report, artifacts, ...(verdict.status === 'failed' ? { failure: verdict.failure } : {}) };
}
