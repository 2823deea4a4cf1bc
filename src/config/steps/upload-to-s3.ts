import { runtimePath } from '../config-paths.ts';
import { text } from '../field-schemas.ts';
import { defineStepSchema } from '../step-schema.ts';
import { s3Shape, toS3Options } from './s3-options.ts';

export const uploadToS3Step = defineStepSchema({
  kind: 'upload_to_s3',
  description: 'Upload a folder (reports, logs) to S3 under a run prefix.',
  shape: (context) => ({
    // Usually written by the run itself, so it need not exist when the config is validated.
    directory: runtimePath(context, 'Folder to upload (e.g. reports), relative to the working directory.'),
    prefix: text('Key prefix (default: $TFID or the run id).').optional(),
    ...s3Shape(),
  }),
  toParams: ({ directory, prefix, ...s3 }) => ({ directory, prefix, ...toS3Options(s3) }),
});
