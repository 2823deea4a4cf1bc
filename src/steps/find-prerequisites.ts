import type { StepPlan } from '../config/plan.ts';
import type { StepNeed } from './step-definition.ts';

/**
 * The lifecycle steps before `index` that provide what it needs, replayed the way the job
 * would have run them: the create_workspace (and later update_workspace steps) whose
 * workspace is still alive at `index`, and the start_flow whose flow is still running.
 * Returned in job order.
 */
export function findPrerequisites(steps: readonly StepPlan[], index: number, needs: readonly StepNeed[]): number[] {
  let workspace: number[] = [];
  let flow: number | undefined;
  for (const step of steps.slice(0, index)) {
    switch (step.kind) {
      case 'create_workspace':
        workspace = [step.index];
        flow = undefined;
        break;
      case 'update_workspace':
        workspace.push(step.index);
        break;
      case 'delete_workspace':
        workspace = [];
        flow = undefined;
        break;
      case 'start_flow':
        flow = step.index;
        break;
      case 'terminate_flow':
        flow = undefined;
        break;
      default:
        break;
    }
  }
  const wanted = new Set<number>();
  // A flow lives in a workspace: needing the flow means needing its workspace too.
  if (needs.includes('workspace') || (needs.includes('flow') && flow !== undefined)) {
    for (const i of workspace) wanted.add(i);
  }
  if (needs.includes('flow') && flow !== undefined) wanted.add(flow);
  return [...wanted].sort((a, b) => a - b);
}
