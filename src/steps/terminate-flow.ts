import { defineStep } from './define-step.ts';
import { removeOrThrow } from './remove-resource.ts';
import { forget } from './terminate-job-resources.ts';

export const terminateFlow = defineStep({
  kind: 'terminate_flow',
  description: "Terminate the job's running Flow (its workspace stays).",
  schema: () => ({}),
  toParams: () => ({}),
  needs: ['flow'],
  removes: 'flow',
  role: 'teardown',
  timeoutMs: () => 60_000,
  async run(context) {
    const { job } = context;
    const flowId = job.flow?.id;
    if (!flowId) {
      context.log('no flow to terminate in this job');
      return {};
    }
    const outcome = await removeOrThrow(job.daemon, { kind: 'flow', id: flowId });
    forget(job, { kind: 'flow', id: flowId });
    context.log(outcome === 'removed' ? `flow ${flowId} terminated` : `flow ${flowId} was already gone from the daemon`);
    return {};
  },
});
