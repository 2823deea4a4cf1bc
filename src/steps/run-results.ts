import type { LoadResult } from '../load/load-result.ts';
import type { DeferredUpload, ReportLink, StepOutcome } from './step-outcome.ts';

export interface StepFailureRecord {
  job: string;
  step: string;
  message: string;
}

/**
 * What the steps of a run produced so far, in run order: the one place step outcomes are
 * collected (by the job runner), read by the steps that report on the run (collect_stats,
 * notify_slack).
 */
export class RunResults {
  private readonly collected = { reports: [] as LoadResult[], links: [] as ReportLink[], failures: [] as StepFailureRecord[], deferredUploads: [] as DeferredUpload[] };

  /** Load step results, for collect_stats. */
  get reports(): readonly LoadResult[] {
    return this.collected.reports;
  }

  /** Where upload_to_s3 put the reports (each URL once), for notify_slack. */
  get links(): readonly ReportLink[] {
    return this.collected.links;
  }

  /** Step failures so far, for notify_slack. */
  get failures(): readonly StepFailureRecord[] {
    return this.collected.failures;
  }

  get deferredUploads(): readonly DeferredUpload[] {
    return this.collected.deferredUploads;
  }

  add(outcome: StepOutcome): void {
    if (outcome.report) this.collected.reports.push(outcome.report);
    for (const link of outcome.links ?? []) {
      if (!this.collected.links.some((known) => known.url === link.url)) this.collected.links.push(link);
    }
    this.collected.deferredUploads.push(...(outcome.deferredUploads ?? []));
  }

  addFailure(failure: StepFailureRecord): void {
    this.collected.failures.push(failure);
  }
}
