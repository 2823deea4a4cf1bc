// The merge's verdicts, set by the merge-segments reporter and read by the plugin's onClose:
// a file of its own so that the plugin (loaded with vitest.config.ts) does not import the merge.

/** What the merge decided, step by step; the plugin's onClose turns it into the exit code. */
export interface MergedVerdicts {
  steps: Array<{ name: string; status: 'passed' | 'failed'; message?: string }>;
  /** Tests of the merged blobs that carry no segment (lifecycle steps) and failed. */
  otherFailures: number;
}

/** Set on `globalThis` by the reporter, read by the plugin's onClose (same main process). */
export const MERGED_VERDICTS_KEY = Symbol.for('jina-stress.mergedVerdicts');
