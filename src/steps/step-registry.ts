import type { StepKind } from '../config/plan';
import { collectStats } from './collect-stats';
import { downloadFromS3 } from './download-from-s3';
import { notifySlack } from './notify-slack';
import { uploadToS3 } from './upload-to-s3';
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
  collect_stats: collectStats,
  upload_to_s3: uploadToS3,
  download_from_s3: downloadFromS3,
  notify_slack: notifySlack,
} satisfies { [K in StepKind]: StepDefinition<K> };
