import type { z } from 'zod';
import type { StepKind } from './plan.ts';
import type { StepSchemaDefinition } from './step-schema.ts';
import { collectStatsStep } from './steps/collect-stats.ts';
import { createWorkspaceStep } from './steps/create-workspace.ts';
import { deleteWorkspaceStep } from './steps/delete-workspace.ts';
import { downloadFromS3Step } from './steps/download-from-s3.ts';
import { indexStep } from './steps/index-step.ts';
import { notifySlackStep } from './steps/notify-slack.ts';
import { queryStep } from './steps/query-step.ts';
import { startFlowStep } from './steps/start-flow.ts';
import { terminateFlowStep } from './steps/terminate-flow.ts';
import { updateWorkspaceStep } from './steps/update-workspace.ts';
import { uploadToS3Step } from './steps/upload-to-s3.ts';

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
