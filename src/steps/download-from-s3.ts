import { downloadFailure, downloadFromS3 as download } from '../sinks/s3-download.ts';
import type { StepDefinition } from './step-definition.ts';

export const downloadFromS3: StepDefinition<'download_from_s3'> = {
  kind: 'download_from_s3',
  role: 'work',
  needs: [],
  timeoutMs: () => 15 * 60_000,
  async run(context, params) {
    const result = await download({
      bucket: params.bucket,
      key: params.key,
      localDirectory: params.localDirectory,
      signal: context.signal,
      ...(params.endpoint ? { endpoint: params.endpoint } : {}),
      ...(params.region ? { region: params.region } : {}),
      ...(params.forcePathStyle !== undefined ? { forcePathStyle: params.forcePathStyle } : {}),
    });
    if (result.status === 'complete') {
      context.log(`${result.files.length} file(s), ${result.bytes} bytes from s3://${params.bucket}/${params.key} to ${params.localDirectory}`);
    }
    const failure = downloadFailure(result);
    if (failure) throw failure;
  },
};
