import { defineStep } from './define-step';

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
    await job.daemon.terminateFlow(flowId);
    job.created.flows.delete(flowId);
    job.flow = undefined;
    context.log(`flow ${flowId} terminated`);
    return {};
  },
});
