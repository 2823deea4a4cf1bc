import type { StepKind } from '../config/plan.ts';
import { collectStats } from './collect-stats.ts';
import { downloadFromS3 } from './download-from-s3.ts';
import { notifySlack } from './notify-slack.ts';
import { uploadToS3 } from './upload-to-s3.ts';
import { createWorkspace } from './create-workspace.ts';
import { deleteWorkspace } from './delete-workspace.ts';
import { indexStep } from './index-step.ts';
import { queryStep } from './query-step.ts';
import { startFlow } from './start-flow.ts';
import type { StepDefinition } from './step-definition.ts';
import { terminateFlow } from './terminate-flow.ts';
import { updateWorkspace } from './update-workspace.ts';

/** Every step kind that works in this version; a config naming another is rejected up front. */
export const stepRegistry = {
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
} satisfies { [K in StepKind]: StepDefinition<K> };
