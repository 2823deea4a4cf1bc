import type { z } from 'zod';
import type { StepKind } from './plan';
import type { StepSchemaDefinition } from './step-schema';
import { collectStatsStep } from './steps/collect-stats';
import { createWorkspaceStep } from './steps/create-workspace';
import { deleteWorkspaceStep } from './steps/delete-workspace';
import { downloadFromS3Step } from './steps/download-from-s3';
import { indexStep } from './steps/index-step';
import { notifySlackStep } from './steps/notify-slack';
import { queryStep } from './steps/query-step';
import { startFlowStep } from './steps/start-flow';
import { terminateFlowStep } from './steps/terminate-flow';
import { updateWorkspaceStep } from './steps/update-workspace';
import { uploadToS3Step } from './steps/upload-to-s3';

/** Every step kind's YAML schema. A new kind is one file in steps/ and one line here. */
export const stepSchemas = {
  create_workspace: createWorkspaceStep,
  update_workspace: updateWorkspaceStep,
  delete_workspace: deleteWorkspaceStep,
  start_flow: startFlowStep,
  terminate_flow: terminateFlowStep,
  index: indexStep,
  query: queryStep,
  collect_stats: collectStatsStep,
  upload_to_s3: uploadToS3Step,
  download_from_s3: downloadFromS3Step,
  notify_slack: notifySlackStep,
} satisfies { [K in StepKind]: StepSchemaDefinition<K, z.ZodRawShape> };

export const STEP_KINDS = Object.keys(stepSchemas) as StepKind[];

export function isStepKind(value: unknown): value is StepKind {
  return typeof value === 'string' && Object.hasOwn(stepSchemas, value);
}
