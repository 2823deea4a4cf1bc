import type { JobStep } from './job-steps.ts';
import { stepPath } from './job-steps.ts';
import type { StepKind } from './plan.ts';
import type { ProblemList } from './problem-list.ts';

type Resource = 'workspace' | 'flow';

/** What each kind needs to exist before it, and what it creates or removes. */
const lifecycle = {
  create_workspace: { creates: 'workspace' },
  update_workspace: { needs: 'workspace' },
  delete_workspace: { needs: 'workspace', removes: 'workspace' },
  start_flow: { needs: 'workspace', creates: 'flow' },
  terminate_flow: { needs: 'flow', removes: 'flow' },
  index: { needs: 'flow' },
  query: { needs: 'flow' },
  collect_stats: {},
  upload_to_s3: {},
  download_from_s3: {},
  notify_slack: {},
} satisfies Record<StepKind, { needs?: Resource; creates?: Resource; removes?: Resource }>;

const creator: Record<Resource, StepKind> = { workspace: 'create_workspace', flow: 'start_flow' };
const remover: Record<Resource, StepKind> = { workspace: 'delete_workspace', flow: 'terminate_flow' };

/**
 * Order of the job's lifecycle steps, as the seed ran them: one workspace and one Flow at a
 * time. Load steps need a Flow started earlier in the job, unless a gateway is configured
 * (on the step, the job, or by JINA_GATEWAY_HOST/PORT).
 */
export function checkLifecycle(job: string, steps: readonly JobStep[], hasJobGateway: boolean, problems: ProblemList): void {
  const alive = new Map<Resource, number>();
  const gone = new Map<Resource, number>();
  for (const step of steps) {
    // With no known or likely kind, what the job holds from here on is unknown and any
    // finding would be a guess.
    const method = step.method ?? step.likelyMethod;
    if (!method) return;
    const rule: { needs?: Resource; creates?: Resource; removes?: Resource } = lifecycle[method];
    if (!step.method) {
      applyEffects(rule, step.index, alive, gone);
      continue;
    }
    const at = stepPath(job, step.index, 'method');
    const { needs, creates, removes } = rule;
    const hasGateway = hasJobGateway || !step.parsed || ('gateway' in step.parsed.params && step.parsed.params.gateway !== undefined);
    const isLoad = step.method === 'index' || step.method === 'query';
    if (needs && !alive.has(needs) && !(isLoad && hasGateway)) {
      const removed = gone.get(needs);
      const noun = needs === 'flow' ? 'Flow' : 'workspace';
      const state = removed === undefined ? `no ${creator[needs]} before it` : `the ${noun} was removed by steps[${removed}] (${remover[needs]})`;
      const hint = isLoad
        ? 'add a start_flow step before it, or set gateway_host/gateway_port on the step or gateway: {host, port} on the job'
        : `add a ${creator[needs]} step before it in job "${job}"`;
      problems.add(at, `${step.method} needs a ${needs === 'flow' ? 'running Flow' : 'workspace'}: ${state}`, { hint });
    }
    if (creates && alive.has(creates)) {
      const hint = creates === 'flow' ? 'add terminate_flow before it' : 'use update_workspace to upload more files';
      problems.add(at, `a ${creates === 'flow' ? 'Flow' : 'workspace'} is already ${creates === 'flow' ? 'running' : 'open'} (from steps[${alive.get(creates)}])`, { hint });
    }
    if (removes === 'workspace' && alive.has('flow')) {
      problems.add(at, `the Flow started by steps[${alive.get('flow')}] is still running`, { hint: 'add terminate_flow before delete_workspace' });
    }
    applyEffects(rule, step.index, alive, gone);
  }
}

function applyEffects(rule: { creates?: Resource; removes?: Resource }, index: number, alive: Map<Resource, number>, gone: Map<Resource, number>): void {
  if (rule.creates) {
    alive.set(rule.creates, index);
    gone.delete(rule.creates);
  }
  if (rule.removes && alive.has(rule.removes)) {
    alive.delete(rule.removes);
    gone.set(rule.removes, index);
  }
}
