import { resolveKeyPrefix } from '../sinks/s3-connection';
import { uploadDirectory, uploadFailure } from '../sinks/s3-upload';
import type { StepDefinition } from './step-definition';

export const uploadToS3: StepDefinition<'upload_to_s3'> = {
  kind: 'upload_to_s3',
  role: 'work',
  needs: [],
  timeoutMs: () => 15 * 60_000,
  async run(context, params) {
    const { run } = context.job;
    const prefix = resolveKeyPrefix({ runId: run.runId, ...(params.prefix ? { prefix: params.prefix } : {}) });
    const result = await uploadDirectory({
      bucket: params.bucket,
      directory: params.directory,
      prefix,
      signal: context.signal,
      ...(params.endpoint ? { endpoint: params.endpoint } : {}),
      ...(params.region ? { region: params.region } : {}),
      ...(params.forcePathStyle !== undefined ? { forcePathStyle: params.forcePathStyle } : {}),
    });
    if (result.status !== 'nothing-to-upload') {
      run.links.push(...result.links);
      context.log(`${result.uploaded.length} file(s), ${result.bytes} bytes to s3://${params.bucket}/${prefix}`);
    }
    const failure = uploadFailure(result);
    if (failure) throw failure;
  },
};
