import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runtimePath } from '../config/config-paths.ts';
import { text } from '../config/field-schemas.ts';
import { defineStep } from './define-step.ts';
import { s3ConnectionOf, s3Keys, toS3Options, type S3Options } from './s3-keys.ts';

export interface SaveBaselineParams {
  /** Absolute path of the JSON file to write. */
  file: string;
  /** Also upload it to this key (the bucket and connection of `s3`), when set. */
  s3?: S3Options & { key: string };
}

/**
 * Writes the run's load-step results so far (counters, per-second series, encoded HDR
 * histograms, thresholds and verdict of each) as a baseline for a later run to compare with.
 * A `work` step: after a failure it is skipped, so a failed run never replaces the last good
 * baseline.
 */
export const saveBaseline = defineStep({
  kind: 'save_baseline',
  description: "Write the run's load-step results (counters, per-second series, HDR histograms, verdicts) to a JSON file, and optionally to S3, as a baseline for later runs.",
  schema: (context) => ({
    file: runtimePath(context, 'The baseline JSON file to write, relative to the working directory (its folder is created).'),
    s3_key: text('Also upload the baseline to this object key (bucket and connection from the S3 keys).').optional(),
    ...s3Keys(),
  }),
  check(step, report) {
    if (step.s3_key !== undefined) return;
    for (const key of ['bucket', 'endpoint', 'region', 'force_path_style']) {
      if (step[key] !== undefined) report([key], `${key} applies to the S3 upload, which needs s3_key`, 'set s3_key (the object key to upload the baseline to) or remove the S3 keys');
    }
  },
  toParams: ({ file, s3_key, ...s3 }): SaveBaselineParams => ({ file, ...(s3_key ? { s3: { ...toS3Options(s3), key: s3_key } } : {}) }),
  needs: [],
  role: 'work',
  parameters: (params) => [
    { name: 'file', value: params.file },
    ...(params.s3 ? [{ name: 's3', value: `s3://${params.s3.bucket}/${params.s3.key}` }] : []),
  ],
  timeoutMs: () => 5 * 60_000,
  async run(context, params) {
    const { run } = context.job;
    const { buildBaseline } = await import('../load/baseline-file.ts');
    const baseline = buildBaseline(run.results.reports, { runId: run.runId, configPath: run.plan.configPath, configHash: run.plan.configHash });
    const body = `${JSON.stringify(baseline, null, 2)}\n`;
    await mkdir(path.dirname(params.file), { recursive: true });
    await writeFile(params.file, body);
    context.log(`baseline of ${baseline.steps.length} load step(s) written to ${params.file}`);
    if (!params.s3) return { artifacts: [{ name: 'baseline.json', contentType: 'application/json', body }] };

    // One object through the S3 sink: a folder holding just the file, under the key's folder.
    const { uploadDirectory, uploadFailure } = await import('../sinks/s3-upload.ts');
    const staging = await mkdtemp(path.join(tmpdir(), 'jina-stress-baseline-'));
    try {
      await writeFile(path.join(staging, path.posix.basename(params.s3.key)), body);
      const folder = path.posix.dirname(params.s3.key);
      const result = await uploadDirectory({
        bucket: params.s3.bucket,
        directory: staging,
        prefix: folder === '.' ? '' : folder,
        signal: context.signal,
        ...s3ConnectionOf(params.s3),
      });
      const failure = uploadFailure(result);
      if (!failure) context.log(`baseline uploaded to s3://${params.s3.bucket}/${params.s3.key}`);
      return { artifacts: [{ name: 'baseline.json', contentType: 'application/json', body }], ...(failure ? { failure } : {}) };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  },
});
