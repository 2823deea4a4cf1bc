import { StressError } from '../errors.ts';
import { defineStep } from './define-step.ts';
import { removeFromHostAgents } from './host-agents.ts';
import type { StepContext } from './step-context.ts';
import { removeOrThrow } from './remove-resource.ts';
import { forget } from './terminate-job-resources.ts';

export const deleteWorkspace = defineStep({
  kind: 'delete_workspace',
  description: "Delete the job's workspace from the daemon.",
  schema: () => ({}),
  toParams: () => ({}),
  needs: ['workspace'],
  removes: 'workspace',
  role: 'teardown',
  // Selected alone with -t it deletes what the job holds; it creates nothing to delete it.
  prerequisites: [],
  timeoutMs: () => 120_000,
  async run(context) {
    const { job } = context;
    const workspaceId = job.workspaceId;
    if (!workspaceId) {
      // After a failure before create_workspace there is nothing to delete: not an error.
      context.log('no workspace to delete in this job');
      return {};
    }
    // Every other host of the job is cleaned too, whatever happens on the main agent; a host
    // that cannot be reached is named with its address after the others are done.
    const mainRemoval = removeOnMainAgent(context, workspaceId).catch((error: unknown) => error as Error);
    const left = await removeFromHostAgents(job.hostAgents, { workspace: true });
    const reached = job.hostAgents.filter((agent) => agent.workspaceId === undefined).map((agent) => agent.label);
    if (reached.length > 0) context.log(`workspace ${workspaceId} and its executors removed from ${reached.join(', ')}`);
    const failure = await mainRemoval;
    if (failure instanceof Error) throw failure;
    if (left.length > 0) {
      throw new StressError('DAEMON_UNREACHABLE', `delete_workspace could not clean ${left.length} other host(s):\n  ${left.join('\n  ')}`, {
        hint: 'the other hosts were cleaned; the job\'s teardown and the run\'s end try these again',
      });
    }
    return {};
  },
});

/** The job's flows, then its workspace, on the main agent. */
async function removeOnMainAgent(context: StepContext, workspaceId: string): Promise<void> {
  const { job } = context;
  // A workspace's flows go with it; stopped first so they persist, and forgotten so
  // teardown does not try twice. One already gone (a 404) is done.
  for (const flowId of [...job.created.flows]) {
    await removeOrThrow(job.daemon, { kind: 'flow', id: flowId });
    forget(job, { kind: 'flow', id: flowId });
  }
  const outcome = await removeOrThrow(job.daemon, { kind: 'workspace', id: workspaceId });
  forget(job, { kind: 'workspace', id: workspaceId });
  context.log(outcome === 'removed' ? `workspace ${workspaceId} deleted` : `workspace ${workspaceId} was already gone from the daemon`);
}
