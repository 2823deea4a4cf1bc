import { resolve } from 'node:path';
import type { LoadStepParams } from '../config/plan';
import { StressError } from '../errors';
import { runLoad } from '../load/run-load';
import { loadStepFailure } from '../report/failure-categories';
import { attachLoadReport } from '../report/load-attachments';
import { formatStepSummary } from '../report/format-step-summary';
import { redactDeep } from '../report/redact-secrets';
import type { ErrorCounts } from '../report/step-report';
import { chooseDocarray, probeGateway } from './probe-gateway';
import { recordEnvironment } from './record-environment';
import { resolveGatewayTarget } from './resolve-gateway-target';
import type { StepContext } from './step-definition';

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
  const measured = await runLoad({
    params,
    target,
    job: job.job.name,
    step: context.step.name,
    method,
    context: { baseDir: job.run.plan.configDir, helpersDir: resolve(process.cwd(), 'helpers') },
    signal: context.signal,
    onProgress: (p) =>
      context.progress(
        `${p.elapsedS.toFixed(0)}s: ${p.qps.toFixed(1)} QPS, ${p.docsPerSec.toFixed(1)} docs/s, p99 ${p.p99Ms.toFixed(1)} ms, ${p.errors} errors`,
      ),
  });
  // Error samples carry what executors said, which may echo a credential the Flow was given.
  const report = redactDeep(measured, job.run.knownSecrets);
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
    const cutOff = report.cutOff ?? 0;
    if (report.requests === 0 && cutOff > 0) {
      throw new StressError('STEP_FAILED', `${method}: no request was answered: ${cutOff} sent, all still in flight when the phase ended and cut off`, {
        hint: 'the Flow accepted the requests but did not answer within the phase: a stalled or very slow executor? the executors\' times are in the summary attachment',
      });
    }
    const cutOffNote = cutOff > 0 ? `, ${cutOff} cut off in flight` : '';
    throw new StressError('STEP_FAILED', `${method}: no request succeeded (${report.requests + cutOff} sent, ${report.errors.total} errors: ${describeErrors(report.errors)}${cutOffNote})`, {
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
  const first = errors.samples?.[0];
  const sample = first ? `; first: ${first.executor ? `${first.executor}: ` : ''}${first.message}` : '';
  return (parts.join(', ') || 'none') + sample;
}
