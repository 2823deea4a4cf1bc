import { runtimePath } from '../config-paths.ts';
import { text } from '../field-schemas.ts';
import { defineStepSchema } from '../step-schema.ts';
import { s3Shape, toS3Options } from './s3-options.ts';

export const downloadFromS3Step = defineStepSchema({
  kind: 'download_from_s3',
  description: 'Download an object (e.g. a dataset) from S3 to local_directory/key.',
  shape: (context) => ({
    key: text('Object key in the bucket.'),
    local_directory: runtimePath(context, 'Folder to download into, relative to the working directory (default .); the file lands at local_directory/key.').default('.'),
    ...s3Shape(),
  }),
  toParams: ({ key, local_directory, ...s3 }) => ({ key, localDirectory: local_directory, ...toS3Options(s3) }),
});
