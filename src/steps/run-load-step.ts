import { resolve } from 'node:path';
import type { LoadStepParams } from '../config/plan.ts';
import { StressError } from '../errors.ts';
import { createCpuMeter, formatLoadProgress } from '../load/format-load-progress.ts';
import { runLoad } from '../load/run-load.ts';
import { loadStepFailure } from '../report/failure-categories.ts';
import { attachLoadReport } from '../report/load-attachments.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import type { ErrorCounts } from '../report/step-report.ts';
import { chooseDocarray, probeGateway } from './probe-gateway.ts';
import { recordEnvironment } from './record-environment.ts';
import { resolveGatewayTarget } from './resolve-gateway-target.ts';
import type { StepContext } from './step-definition.ts';

/**
 * The body of `index` and `query`: find the gateway, run the phase, keep the report, then
 * judge it (thresholds, check violations, nothing succeeded). The report is kept and attached
 * before judging, so a failing step still leaves its numbers behind.
 */
export async function runLoadStep(context: StepContext, method: 'index' | 'query', params: LoadStepParams): Promise<void> {
  const { job } = context;
  const address = resolveGatewayTarget(job, params);
  const probe = await probeGateway(address);
  const { docarray, note } = chooseDocarray(params.docarray, probe);
  context.log(note);
  await recordEnvironment(job, address, probe);
  const target = { ...address, docarray };
  context.log(`${method}: ${params.arrival ? 'open' : 'closed'} model against ${target.protocol}://${target.host}:${target.port}`);
  const plannedS = params.arrival?.durationS ?? params.executionTimeS;
  const cpuPercent = createCpuMeter();
  const report = await runLoad({
    params,
    target,
    job: job.job.name,
    step: context.step.name,
    method,
    context: { baseDir: job.run.plan.configDir, helpersDir: resolve(process.cwd(), 'helpers') },
    signal: context.signal,
    onProgress: (p) => context.progress(formatLoadProgress(p, { plannedS, cpuPercent: cpuPercent() })),
    ...(context.progressIntervalS === undefined ? {} : { tuning: { progressIntervalS: context.progressIntervalS } }),
  });
  if (job.timeToReadyS !== undefined) report.timeToReadyS = job.timeToReadyS;
  job.run.reports.push(report);
  await attachLoadReport(context.attach, report);
  context.log(formatStepSummary(report));

  if (report.stoppedBy === 'signal') {
    throw new StressError('STEP_FAILED', `${method} was interrupted after ${report.wallTimeS.toFixed(1)}s; the partial report is attached`);
  }
  const failure = loadStepFailure(report);
  if (failure) throw failure;
  if ((report.okRequests ?? report.requests - report.errors.total) === 0) {
    throw new StressError('STEP_FAILED', `${method}: no request succeeded (${report.requests} sent, ${report.errors.total} errors: ${describeErrors(report.errors)})`, {
      hint: 'is the Flow running and serving this protocol? the summary attachment has the error counts',
    });
  }
}

function describeErrors(errors: ErrorCounts): string {
  const parts = [
    errors.connection ? `${errors.connection} connection` : '',
    errors.timeout ? `${errors.timeout} timeout` : '',
    errors.protocol ? `${errors.protocol} protocol` : '',
    ...Object.entries(errors.statusByExecutor).map(([executor, count]) => `${count} error status from ${executor}`),
  ].filter(Boolean);
  return parts.join(', ') || 'none';
}
