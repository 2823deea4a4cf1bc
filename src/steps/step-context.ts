import type { JobContext } from './job-context.ts';
import type { LoadSegment } from '../load/load-segment.ts';

/** Which step is running: what messages and file names need of it. */
export interface StepSummary {
  /** Position in the job, 0-based. */
  index: number;
  kind: string;
  /** The test name. */
  name: string;
}

/**
 * What a step may do to the outside of itself while it runs. The suite implements it with
 * Vitest; steps never import Vitest or Allure. What a step produced goes in its StepOutcome.
 */
export interface StepContext {
  job: JobContext;
  step: StepSummary;
  /** Aborted on test timeout or SIGINT: long steps must stop promptly. */
  signal: AbortSignal;
  /** A line in the console (and the test's annotations). */
  log(message: string): void;
  /** Live progress for long steps (shown by the project's reporter). */
  progress(message: string): void;
  /** Seconds between progress calls of a load phase (default: the engine's). */
  progressIntervalS?: number;
  /** This generator's part of load steps (STRESS_SEGMENT); absent: the whole step. */
  segment?: LoadSegment;
  /** The run id the generators of a distributed run share (seeds request ids). */
  distributedRunId?: string;
}
