import { resolve } from 'node:path';
import { discoverEndpointSchemas } from '../gateway/endpoint-schemas.ts';
import type { LoadStepParams } from '../load/load-params.ts';
import { runLoad } from '../load/run-load.ts';
import { createCpuMeter, formatLoadProgress } from '../load/format-load-progress.ts';
import { judgeLoadStep } from '../load/judge-load-step.ts';
import { buildLoadAttachments } from '../report/load-attachments.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import { redactDeep } from '../report/redact-secrets.ts';
import { chooseDocarray, probeGateway } from './probe-gateway.ts';
import { recordEnvironment } from './record-environment.ts';
import { resolveGatewayTarget } from './resolve-gateway-target.ts';
import type { StepContext } from './step-context.ts';
import type { StepOutcome } from './step-outcome.ts';

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
  // docarray v2: the endpoints' document schemas, for matches_schema and the report.
  const endpointSchemas = await discoverEndpointSchemas(target);
  if (docarray === 'v2') context.log(endpointSchemas.status === 'found' ? `endpoint schemas from ${endpointSchemas.source}: ${Object.keys(endpointSchemas.endpoints).join(', ')}` : `no endpoint schemas: ${endpointSchemas.reason}`);
  if (context.segment) context.log(`${method}: segment ${context.segment.index}/${context.segment.count} of the load`);
  context.log(`${method}: ${params.arrival ? 'open' : 'closed'} model against ${target.protocol}://${target.host}:${target.port}`);
  const plannedS = params.arrival?.durationS ?? params.executionTimeS;
  const cpuPercent = createCpuMeter();
  const measured = await runLoad({
    params,
    target,
    job: job.job.name,
    step: context.step.name,
    method,
    context: { baseDir: job.run.plan.configDir, helpersDir: resolve(process.cwd(), 'helpers'), endpointSchemas },
    ...(job.flow ? { timeToReadyS: job.flow.timeToReadyS } : {}),
    ...(job.flow?.placed ? { executorHosts: Object.fromEntries(job.flow.placed.map((executor) => [executor.name, executor.host])) } : {}),
    signal: context.signal,
    onProgress: (p) => context.progress(formatLoadProgress(p, { plannedS, cpuPercent: cpuPercent() })),
    ...(context.progressIntervalS === undefined ? {} : { tuning: { progressIntervalS: context.progressIntervalS } }),
    ...(context.segment ? { segment: context.segment } : {}),
    runId: context.distributedRunId ?? job.run.runId,
  });
  // Error samples carry what executors said, which may echo a credential the Flow was given.
  const report = redactDeep(measured, job.run.knownSecrets);
  context.log(formatStepSummary(report));
  const verdict = judgeLoadStep(report);
  const artifacts = buildLoadAttachments(report);
  if (endpointSchemas.status === 'found') artifacts.push({ name: 'endpoint schemas.json', contentType: 'application/json', body: `${JSON.stringify(endpointSchemas, null, 2)}\n` });
  return { report, artifacts, ...(verdict.status === 'failed' ? { failure: verdict.failure } : {}) };
}
