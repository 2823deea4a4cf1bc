import { StressError } from '../errors.ts';
import type { StepDefinition } from './step-definition.ts';
import { prepareFlowUpload } from './upload-files.ts';

export const startFlow: StepDefinition<'start_flow'> = {
  kind: 'start_flow',
  role: 'setup',
  needs: ['workspace'],
  timeoutMs: (params) => params.timeoutReadyS * 1000 + 30_000,
  async run(context, params) {
    const { job } = context;
    if (!job.workspaceId) {
      throw new StressError('STEP_PREREQUISITE', 'start_flow: this job has no workspace', {
        hint: 'add a create_workspace step before it (the Flow runs in the workspace folder)',
      });
    }
    const flowFile = await prepareFlowUpload(job, context.step.name, params);
    const startedAt = performance.now();
    const flowId = await job.daemon.startFlow(flowFile, job.workspaceId, {
      environment: params.environment,
      timeoutReadyS: params.timeoutReadyS,
      ...(params.runtime ? { runtime: params.runtime } : {}),
    });
    job.created.flows.add(flowId);
    job.flowId = flowId;
    const info = await job.daemon.getFlow(flowId);
    job.flowGateway = info.gateway;
    job.timeToReadyS = info.timeToReadyS ?? (performance.now() - startedAt) / 1000;
    const where = info.gateway
      ? info.gateway.ports.map((p) => `${p.protocol}://${info.gateway?.host}:${p.port}`).join(', ')
      : 'gateway address unknown';
    context.log(`flow ${flowId} (${info.runtime}) ready in ${job.timeToReadyS.toFixed(2)}s at ${where}`);
    await context.attach('time-to-ready', 'application/json', JSON.stringify({ flowId, timeToReadyS: job.timeToReadyS, gateway: info.gateway }, null, 2));
  },
};
