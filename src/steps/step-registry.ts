import type { StepKind } from '../config/plan';
import { createWorkspace } from './create-workspace';
import { deleteWorkspace } from './delete-workspace';
import { indexStep } from './index-step';
import { queryStep } from './query-step';
import { startFlow } from './start-flow';
import type { StepDefinition } from './step-definition';
import { terminateFlow } from './terminate-flow';
import { updateWorkspace } from './update-workspace';

/** Every step kind that works in this version; a config naming another is rejected up front. */
export const stepRegistry = {
  create_workspace: createWorkspace,
  update_workspace: updateWorkspace,
  delete_workspace: deleteWorkspace,
  start_flow: startFlow,
  terminate_flow: terminateFlow,
  index: indexStep,
  query: queryStep,
} satisfies Partial<{ [K in StepKind]: StepDefinition<K> }>;
