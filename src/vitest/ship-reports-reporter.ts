import { join } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type { DeferredUpload } from '../steps/step-outcome.ts';
import type { StepTaskMeta } from './build-suites.ts';

/**
 * Finishes what upload_to_s3 could not do during the run. allure-vitest writes the results
 * when the run ends (this reporter is registered after it, and its writes are synchronous), so
 * here the HTML report is generated and both are uploaded under the step's prefix. A failure
 * is printed with the keys that did not arrive and fails the run; local files stay.
 *
 * The S3 and Allure modules are imported only when there is something to ship: Vitest loads
 * reporters through its module runner, which ran the AWS SDK's ES modules one by one — ~2 s
 * of every `npx vitest run` before the first step (bench/startup/startup-time.ts).
 */
export default class ShipReportsReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const uploads = modules.flatMap((module) =>
      [...module.children.allTests()].flatMap((test) => (test.meta() as StepTaskMeta).jinaStress?.deferredUploads ?? []),
    );
    if (uploads.length === 0) return;
    const log = (line: string) => this.vitest?.logger.log(`  jina-stress: ${line}`);
    const { generateAllureHtml } = await import('../report/allure-html-report.ts');
    const reportsDirs = [...new Set(uploads.map((upload) => upload.reportsDir))];
    for (const reportsDir of reportsDirs) {
      const html = await generateAllureHtml({ resultsDir: join(reportsDir, 'allure-results'), outputDir: join(reportsDir, 'allure-report') });
      log(html.status === 'generated' ? `Allure HTML report in ${html.outputDir}` : `no Allure HTML report (${html.status})`);
    }
    for (const upload of uploads) await this.ship(upload, log);
  }

  private async ship(upload: DeferredUpload, log: (line: string) => void): Promise<void> {
    const { uploadDirectory, uploadFailure } = await import('../sinks/s3-upload.ts');
    for (const folder of ['allure-results', 'allure-report']) {
      const result = await uploadDirectory({
        bucket: upload.bucket,
        directory: join(upload.reportsDir, folder),
        prefix: `${upload.prefix}/${folder}`,
        ...upload.connection,
      });
      if (result.status === 'nothing-to-upload') continue;
      const failure = uploadFailure(result);
      if (failure) {
        this.vitest?.logger.error(`  jina-stress: ${failure.format()}`);
        process.exitCode = 1;
        continue;
      }
      log(`${result.uploaded.length} file(s) to s3://${upload.bucket}/${upload.prefix}/${folder}/`);
    }
  }
}
