import { StressError } from '../errors.ts';
import { defineStep } from './define-step.ts';
import { removeFromHostAgents } from './host-agents.ts';
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
    const placed = job.flow?.placed ?? [];
    // The gateway first (it stops sending), then its executors on the other hosts, each host
    // tried even when the gateway's agent or another host fails.
    const outcome = await removeOrThrow(job.daemon, { kind: 'flow', id: flowId }).catch((error: unknown) => error as Error);
    if (!(outcome instanceof Error)) {
      forget(job, { kind: 'flow', id: flowId });
      context.log(outcome === 'removed' ? `flow ${flowId} terminated` : `flow ${flowId} was already gone from the daemon`);
    }
    const left = await removeFromHostAgents(job.hostAgents, { workspace: false, executorIds: placed.flatMap((executor) => executor.ids) });
    if (placed.length > 0 && left.length < placed.length) context.log(`executors stopped: ${placed.map((executor) => `${executor.name}@${executor.host}`).join(', ')}${left.length > 0 ? ' (except the ones below)' : ''}`);
    if (outcome instanceof Error) throw outcome;
    if (left.length > 0) {
      throw new StressError('DAEMON_UNREACHABLE', `terminate_flow could not stop placed executors on ${left.length} host(s):\n  ${left.join('\n  ')}`, {
        hint: 'the other hosts were cleaned; the job\'s teardown and the run\'s end try these again',
      });
    }
    return {};
  },
});
