import type { JobStep } from './job-steps.ts';
import { stepPath } from './job-steps.ts';
import type { StepKind } from './plan.ts';
import type { ProblemList } from './problem-list.ts';
import { STEP_KINDS, stepSchemaOf } from './step-kinds.ts';
import type { LifecycleResource, StepSchemaDefinition } from './step-schema-definition.ts';

type Lifecycle = Pick<StepSchemaDefinition, 'needs' | 'creates' | 'removes'>;

/** The kind that creates (removes) a resource, read from the step table. */
function kindThat(effect: 'creates' | 'removes', resource: LifecycleResource): StepKind {
  return STEP_KINDS.find((kind) => stepSchemaOf(kind)[effect] === resource) ?? (resource === 'flow' ? 'start_flow' : 'create_workspace');
}

/**
 * Order of the job's lifecycle steps, as the seed ran them: one workspace and one Flow at a
 * time, each kind's `needs`, `creates` and `removes` from the step table. A step that needs a
 * gateway (a load step) needs a Flow started earlier in the job, unless a gateway is
 * configured (on the step, the job, or by JINA_GATEWAY_HOST/PORT).
 */
export function checkLifecycle(job: string, steps: readonly JobStep[], hasJobGateway: boolean, problems: ProblemList): void {
  const alive = new Map<LifecycleResource, number>();
  const gone = new Map<LifecycleResource, number>();
  for (const step of steps) {
    // With no known or likely kind, what the job holds from here on is unknown and any
    // finding would be a guess.
    const method = step.method ?? step.likelyMethod;
    if (!method) return;
    const rule: Lifecycle = stepSchemaOf(method);
    if (!step.method) {
      applyEffects(rule, step.index, alive, gone);
      continue;
    }
    const at = stepPath(job, step.index, 'method');
    const hasGateway = hasJobGateway || !step.parsed || hasOwnGateway(step.parsed.params);
    for (const need of rule.needs) {
      const resource: LifecycleResource = need === 'gateway' ? 'flow' : need;
      if (alive.has(resource) || (need === 'gateway' && hasGateway)) continue;
      const removed = gone.get(resource);
      const noun = resource === 'flow' ? 'Flow' : 'workspace';
      const state = removed === undefined ? `no ${kindThat('creates', resource)} before it` : `the ${noun} was removed by steps[${removed}] (${kindThat('removes', resource)})`;
      const hint =
        need === 'gateway'
          ? `add a ${kindThat('creates', 'flow')} step before it, or set gateway_host/gateway_port on the step or gateway: {host, port} on the job`
          : `add a ${kindThat('creates', resource)} step before it in job "${job}"`;
      problems.add(at, `${step.method} needs a ${resource === 'flow' ? 'running Flow' : 'workspace'}: ${state}`, { hint });
    }
    const { creates, removes } = rule;
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

/** A load step's own gateway_host/gateway_port (its params carry them as `gateway`). */
function hasOwnGateway(params: unknown): boolean {
  return params !== null && typeof params === 'object' && (params as { gateway?: unknown }).gateway !== undefined;
}

function applyEffects(rule: Lifecycle, index: number, alive: Map<LifecycleResource, number>, gone: Map<LifecycleResource, number>): void {
  if (rule.creates) {
    alive.set(rule.creates, index);
    gone.delete(rule.creates);
  }
  if (rule.removes && alive.has(rule.removes)) {
    alive.delete(rule.removes);
    gone.set(rule.removes, index);
  }
}
