import type { StepPlan } from '../config/plan.ts';
import type { LifecycleNeed } from '../config/step-schema-definition.ts';
import { stepTable } from './step-table.ts';

/** A step before the selected one that wrote data into the workspace, and the Flow it wrote through. */
interface DataWriter {
  index: number;
  flow: number | undefined;
}

/**
 * The steps before `index` that a step selected alone must run first, in job order: the
 * lifecycle steps providing its `needs` (the create_workspace, and later update_workspace
 * steps, whose workspace is still alive at `index`; the start_flow whose Flow is still
 * running), replayed the way the job would have run them. A step that reads data
 * (`readsData`: a query) also gets the steps that wrote data into that workspace before it
 * (its index steps), each with the Flow it wrote through and the terminate_flow that ended
 * that Flow before `index`, so the workspace holds what the job would have put there.
 */
export function findPrerequisites(steps: readonly StepPlan[], index: number, needs: readonly LifecycleNeed[], readsData = false): number[] {
  let workspace: number[] = [];
  let flow: number | undefined;
  let writers: DataWriter[] = [];
  const flowEnds = new Map<number, number>();
  for (const step of steps.slice(0, index)) {
    const definition = stepTable[step.kind];
    if (definition.creates === 'workspace') {
      workspace = [step.index];
      flow = undefined;
      writers = [];
    } else if (definition.removes === 'workspace') {
      workspace = [];
      flow = undefined;
      writers = [];
    } else if (definition.creates === 'flow') {
      flow = step.index;
    } else if (definition.removes === 'flow') {
      if (flow !== undefined) flowEnds.set(flow, step.index);
      flow = undefined;
    } else if (definition.role === 'setup' && definition.needs.includes('workspace')) {
      // update_workspace: more files in the same workspace.
      workspace.push(step.index);
    }
    if ('data' in definition && definition.data === 'writes') writers.push({ index: step.index, flow });
  }
  const needsFlow = needs.includes('flow') || needs.includes('gateway');
  const wanted = new Set<number>();
  // A flow lives in a workspace: needing the flow means needing its workspace too.
  if (needs.includes('workspace') || (needsFlow && flow !== undefined)) {
    for (const i of workspace) wanted.add(i);
  }
  if (needsFlow && flow !== undefined) wanted.add(flow);
  if (readsData && workspace.length > 0) {
    for (const writer of writers) {
      for (const i of workspace) wanted.add(i);
      wanted.add(writer.index);
      if (writer.flow !== undefined) {
        wanted.add(writer.flow);
        const end = flowEnds.get(writer.flow);
        if (end !== undefined) wanted.add(end);
      }
    }
  }
  return [...wanted].sort((a, b) => a - b);
}
