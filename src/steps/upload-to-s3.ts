import { isAbsolute, relative, resolve } from 'node:path';
import type { UploadToS3Params } from '../config/plan.ts';
import { objectUrl, resolveKeyPrefix, type S3Connection } from '../sinks/s3-connection.ts';
import { uploadDirectory, uploadFailure } from '../sinks/s3-upload.ts';
import type { DeferredUpload } from './job-context.ts';
import type { StepDefinition } from './step-definition.ts';

/**
 * Uploads the folder now. Allure writes its results only when the whole run has ended, so
 * when the folder holds the run's reports, the Allure results and the HTML report generated
 * from them are uploaded then, by the plugin, under the same prefix (see DeferredUpload).
 */
export const uploadToS3: StepDefinition<'upload_to_s3'> = {
  kind: 'upload_to_s3',
  role: 'work',
  needs: [],
  timeoutMs: () => 15 * 60_000,
  async run(context, params) {
    const { run } = context.job;
    const prefix = resolveKeyPrefix({ runId: run.runId, ...(params.prefix ? { prefix: params.prefix } : {}) });
    const connection = connectionOf(params);
    const result = await uploadDirectory({ bucket: params.bucket, directory: params.directory, prefix, signal: context.signal, ...connection });
    if (result.status !== 'nothing-to-upload') {
      run.links.push(...result.links.filter((link) => !run.links.some((known) => known.url === link.url)));
      context.log(`${result.uploaded.length} file(s), ${result.bytes} bytes to s3://${params.bucket}/${prefix}`);
    }
    const deferred = deferredUploadOf(params, prefix, run.reportsDir);
    if (deferred) {
      run.deferredUploads.push(deferred);
      const reportKey = `${deferred.prefix}/allure-report/index.html`;
      run.links.unshift({ label: 'Allure report', url: objectUrl(connection, params.bucket, reportKey) });
      context.log(`the Allure results and HTML report are uploaded to s3://${params.bucket}/${deferred.prefix}/ when the run ends`);
    }
    const failure = uploadFailure(result);
    if (failure) throw failure;
  },
};

function connectionOf(params: UploadToS3Params): S3Connection {
  return {
    ...(params.endpoint ? { endpoint: params.endpoint } : {}),
    ...(params.region ? { region: params.region } : {}),
    ...(params.forcePathStyle !== undefined ? { forcePathStyle: params.forcePathStyle } : {}),
  };
}

/** A deferred upload when the reports folder lies inside (or is) the uploaded folder. */
function deferredUploadOf(params: UploadToS3Params, prefix: string, reportsDir: string): DeferredUpload | undefined {
  const inside = relative(resolve(params.directory), reportsDir);
  if (inside.startsWith('..') || isAbsolute(inside)) return undefined;
  const keyPath = inside.split(/[\\/]+/).filter(Boolean).join('/');
  return {
    bucket: params.bucket,
    connection: connectionOf(params),
    prefix: keyPath ? `${prefix}/${keyPath}` : prefix,
    reportsDir,
  };
}
