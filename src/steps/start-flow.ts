import { StressError } from '../errors';
import type { StepDefinition } from './step-definition';
import { prepareFlowUpload } from './upload-files';

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
    const info = await job.daemon.getFlow(flowId);
    const timeToReadyS = info.timeToReadyS ?? (performance.now() - startedAt) / 1000;
    job.flow = { id: flowId, ...(info.gateway ? { gateway: info.gateway } : {}), timeToReadyS };
    const where = info.gateway
      ? info.gateway.ports.map((p) => `${p.protocol}://${info.gateway?.host}:${p.port}`).join(', ')
      : 'gateway address unknown';
    context.log(`flow ${flowId} (${info.runtime}) ready in ${timeToReadyS.toFixed(2)}s at ${where}`);
    const readiness = JSON.stringify({ flowId, timeToReadyS, gateway: info.gateway }, null, 2);
    return { artifacts: [{ name: 'time-to-ready', contentType: 'application/json', body: readiness }] };
  },
};
