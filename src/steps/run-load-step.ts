import { resolve } from 'node:path';
import type { LoadStepParams } from '../load/load-params';
import { runLoad } from '../load/run-load';
import { judgeLoadStep } from '../load/judge-load-step';
import { buildLoadAttachments } from '../report/load-attachments';
import { formatStepSummary } from '../report/format-step-summary';
import { redactDeep } from '../report/redact-secrets';
import { chooseDocarray, probeGateway } from './probe-gateway';
import { recordEnvironment } from './record-environment';
import { resolveGatewayTarget } from './resolve-gateway-target';
import type { StepContext } from './step-context';
import type { StepOutcome } from './step-outcome';

/**
 * The body of `index` and `query`: find the gateway, run the phase, keep the report, then
 * judge it (judgeLoadStep). The report is kept and attached before judging, so a failing step
 * still leaves its numbers behind.
 */
export async function runLoadStep(context: StepContext, method: 'index' | 'query', params: LoadStepParams): Promise<StepOutcome> {
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
    ...(job.flow ? { timeToReadyS: job.flow.timeToReadyS } : {}),
    signal: context.signal,
    onProgress: (p) =>
      context.progress(
        `${p.elapsedS.toFixed(0)}s: ${p.qps.toFixed(1)} QPS, ${p.docsPerSec.toFixed(1)} docs/s, p99 ${p.p99Ms.toFixed(1)} ms, ${p.errors} errors`,
      ),
  });
  // Error samples carry what executors said, which may echo a credential the Flow was given.
  const report = redactDeep(measured, job.run.knownSecrets);
  context.log(formatStepSummary(report));
  const verdict = judgeLoadStep(report);
  return { report, artifacts: buildLoadAttachments(report), ...(verdict.status === 'failed' ? { failure: verdict.failure } : {}) };
}
