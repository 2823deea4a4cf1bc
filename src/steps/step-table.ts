import { collectStats } from './collect-stats.ts';
import { createWorkspace } from './create-workspace.ts';
import type { StepDefinition } from './define-step.ts';
import { deleteWorkspace } from './delete-workspace.ts';
import { downloadFromS3 } from './download-from-s3.ts';
import { findCapacity } from './find-capacity.ts';
import { indexStep } from './index-step.ts';
import { notifySlack } from './notify-slack.ts';
import { queryStep } from './query-step.ts';
import { saveBaseline } from './save-baseline.ts';
import { startFlow } from './start-flow.ts';
import { terminateFlow } from './terminate-flow.ts';
import { updateWorkspace } from './update-workspace.ts';
import { uploadToS3 } from './upload-to-s3.ts';

/** Checks that each entry is a step definition whose kind is its key (keys and params vary by kind). */
type AnyStepDefinition<K extends string> = StepDefinition<K, any, any>;
function defineStepTable<T extends { [K in keyof T]: AnyStepDefinition<K & string> }>(table: T): T {
  return table;
}

/**
 * Every step kind: a config's `method` names one. The config schema, the JSON Schema, the
 * StepPlan type, the lifecycle checks and the runner all derive from this table, so a new kind
 * is its own file (`src/steps/<kind>.ts`, defineStep) and one line here. The order is the JSON
 * Schema's.
 */
export const stepTable = defineStepTable({
  create_workspace: createWorkspace,
  update_workspace: updateWorkspace,
  delete_workspace: deleteWorkspace,
  start_flow: startFlow,
  terminate_flow: terminateFlow,
  index: indexStep,
  query: queryStep,
  collect_stats: collectStats,
  upload_to_s3: uploadToS3,
  download_from_s3: downloadFromS3,
  notify_slack: notifySlack,
  save_baseline: saveBaseline,
  find_capacity: findCapacity,
});
