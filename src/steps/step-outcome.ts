import type { LoadResult } from '../load/load-result.ts';

export type AttachmentBody = string | Uint8Array;

/** A file a step hands to the report (an Allure attachment of its test). */
export interface StepArtifact {
  name: string;
  contentType: string;
  body: AttachmentBody;
}

export interface ReportLink {
  label: string;
  url: string;
}

/**
 * An upload the plugin finishes after the run: the Allure results (written only when the run
 * ends) and the HTML report made from them, into `<prefix>/allure-results` and
 * `<prefix>/allure-report`.
 */
export interface DeferredUpload {
  bucket: string;
  connection: { endpoint?: string; region?: string; forcePathStyle?: boolean };
  prefix: string;
  reportsDir: string;
}

/**
 * What a step produced, returned by its `run()`; the job runner collects it into the run's
 * results and the suite attaches the artifacts. A step that produced something and then
 * judged it a failure (a load step over its error budget) returns both: its numbers are kept.
 */
export interface StepOutcome {
  /** A load step's measurements. */
  report?: LoadResult;
  /** Attachments, in the order a reader wants them. */
  artifacts?: StepArtifact[];
  /** Where the step put the run's results (upload_to_s3), for notify_slack; the entry point first. */
  links?: ReportLink[];
  deferredUploads?: DeferredUpload[];
  /** The step's verdict on what it produced, when that is a failure. */
  failure?: Error;
}
