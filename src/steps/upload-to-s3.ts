import { isAbsolute, relative, resolve } from 'node:path';
import { runtimePath } from '../config/config-paths.ts';
import { text } from '../config/field-schemas.ts';
import { defineStep } from './define-step.ts';
import { s3ConnectionOf, s3Keys, toS3Options, type S3Options } from './s3-keys.ts';
import type { DeferredUpload, ReportLink } from './step-outcome.ts';

export interface UploadToS3Params extends S3Options {
  directory: string;
  /** Key prefix; default `$TFID` or the run id. */
  prefix?: string;
}

/**
 * Uploads the folder now. Allure writes its results only when the whole run has ended, so
 * when the folder holds the run's reports, the Allure results and the HTML report generated
 * from them are uploaded then, by the plugin, under the same prefix (see DeferredUpload).
 */
export const uploadToS3 = defineStep({
  kind: 'upload_to_s3',
  description: 'Upload a folder (reports, logs) to S3 under a run prefix.',
  schema: (context) => ({
    // Usually written by the run itself, so it need not exist when the config is validated.
    directory: runtimePath(context, 'Folder to upload (e.g. reports), relative to the working directory.'),
    prefix: text('Key prefix (default: $TFID or the run id).').optional(),
    ...s3Keys(),
  }),
  toParams: ({ directory, prefix, ...s3 }): UploadToS3Params => ({ directory, prefix, ...toS3Options(s3) }),
  needs: [],
  role: 'report',
  parameters: (params) => [
    { name: 'bucket', value: params.bucket },
    { name: 'directory', value: params.directory },
  ],
  timeoutMs: () => 15 * 60_000,
  async run(context, params) {
    const { run } = context.job;
    const { objectUrl, resolveKeyPrefix } = await import('../sinks/s3-connection.ts');
    const { uploadDirectory, uploadFailure } = await import('../sinks/s3-upload.ts');
    const prefix = resolveKeyPrefix({ runId: run.runId, ...(params.prefix ? { prefix: params.prefix } : {}) });
    const connection = s3ConnectionOf(params);
    const result = await uploadDirectory({ bucket: params.bucket, directory: params.directory, prefix, signal: context.signal, ...connection });
    const links: ReportLink[] = [];
    const deferred = deferredUploadOf(params, prefix, run.reportsDir);
    if (deferred) {
      const reportKey = `${deferred.prefix}/allure-report/index.html`;
      links.push({ label: 'Allure report', url: objectUrl(connection, params.bucket, reportKey) });
    }
    if (result.status !== 'nothing-to-upload') {
      links.push(...result.links);
      context.log(`${result.uploaded.length} file(s), ${result.bytes} bytes to s3://${params.bucket}/${prefix}`);
    }
    if (deferred) {
      context.log(`the Allure results and HTML report are uploaded to s3://${params.bucket}/${deferred.prefix}/ when the run ends`);
    }
    const failure = uploadFailure(result);
    return { links, ...(deferred ? { deferredUploads: [deferred] } : {}), ...(failure ? { failure } : {}) };
  },
});

/** A deferred upload when the reports folder lies inside (or is) the uploaded folder. */
function deferredUploadOf(params: UploadToS3Params, prefix: string, reportsDir: string): DeferredUpload | undefined {
  const inside = relative(resolve(params.directory), reportsDir);
  if (inside.startsWith('..') || isAbsolute(inside)) return undefined;
  const keyPath = inside.split(/[\\/]+/).filter(Boolean).join('/');
  return {
    bucket: params.bucket,
    connection: s3ConnectionOf(params),
    prefix: keyPath ? `${prefix}/${keyPath}` : prefix,
    reportsDir,
  };
}
