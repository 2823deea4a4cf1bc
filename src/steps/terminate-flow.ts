import type { StepDefinition } from './step-definition';

export const terminateFlow: StepDefinition<'terminate_flow'> = {
  kind: 'terminate_flow',
  role: 'teardown',
  needs: ['flow'],
  timeoutMs: () => 60_000,
  async run(context) {
    const { job } = context;
    const flowId = job.flow?.id;
    if (!flowId) {
      context.log('no flow to terminate in this job');
      return {};
    }
    await job.daemon.terminateFlow(flowId);
    job.created.flows.delete(flowId);
    job.flow = undefined;
    context.log(`flow ${flowId} terminated`);
    return {};
  },
};
