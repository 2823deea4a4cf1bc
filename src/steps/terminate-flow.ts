import type { StepDefinition } from './step-definition.ts';

export const terminateFlow: StepDefinition<'terminate_flow'> = {
  kind: 'terminate_flow',
  role: 'teardown',
  needs: ['flow'],
  timeoutMs: () => 60_000,
  async run(context) {
    const { job } = context;
    const flowId = job.flowId;
    if (!flowId) {
      context.log('no flow to terminate in this job');
      return;
    }
    await job.daemon.terminateFlow(flowId);
    job.created.flows.delete(flowId);
    job.flowId = undefined;
    job.flowGateway = undefined;
    context.log(`flow ${flowId} terminated`);
  },
};
