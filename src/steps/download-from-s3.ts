import path from 'node:path';
import { runtimePath } from '../config/config-paths.ts';
import { text } from '../config/field-schemas.ts';
import { defineStep } from './define-step.ts';
import { s3ConnectionOf, s3Keys, toS3Options, type S3Options } from './s3-keys.ts';

export interface DownloadFromS3Params extends S3Options {
  key: string;
  localDirectory: string;
}

/** The seed fetched its datasets this way before a run; later steps may name the files it writes. */
export const downloadFromS3 = defineStep({
  kind: 'download_from_s3',
  description: 'Download an object (e.g. a dataset) from S3 to local_directory/key.',
  schema: (context) => ({
    key: text('Object key in the bucket.'),
    local_directory: runtimePath(context, 'Folder to download into, relative to the working directory (default .); the file lands at local_directory/key.').default('.'),
    ...s3Keys(),
  }),
  toParams: ({ key, local_directory, ...s3 }): DownloadFromS3Params => ({ key, localDirectory: local_directory, ...toS3Options(s3) }),
  downloads: (params) => [path.join(params.localDirectory, params.key)],
  needs: [],
  role: 'work',
  parameters: (params) => [
    { name: 'bucket', value: params.bucket },
    { name: 'key', value: params.key },
  ],
  timeoutMs: () => 15 * 60_000,
  async run(context, params) {
    const { downloadFailure, downloadFromS3: download } = await import('../sinks/s3-download.ts');
    const result = await download({
      bucket: params.bucket,
      key: params.key,
      localDirectory: params.localDirectory,
      signal: context.signal,
      ...s3ConnectionOf(params),
    });
    if (result.status === 'complete') {
      context.log(`${result.files.length} file(s), ${result.bytes} bytes from s3://${params.bucket}/${params.key} to ${params.localDirectory}`);
    }
    const failure = downloadFailure(result);
    if (failure) throw failure;
    return {};
  },
});
