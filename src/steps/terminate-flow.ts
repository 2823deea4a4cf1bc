import type { StepDefinition } from './step-definition';
import { removeOrThrow } from './remove-resource';
import { forget } from './terminate-job-resources';

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
    const outcome = await removeOrThrow(job.daemon, { kind: 'flow', id: flowId });
    forget(job, { kind: 'flow', id: flowId });
    context.log(outcome === 'removed' ? `flow ${flowId} terminated` : `flow ${flowId} was already gone from the daemon`);
  },
};
