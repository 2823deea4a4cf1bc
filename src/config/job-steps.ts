import type { StepKind } from './plan.ts';
import type { ParsedStep } from './step-schema.ts';
import type { YamlPathSegment } from './yaml-path.ts';

/** One step of a job as the job-level checks see it, valid or not. */
export interface JobStep {
  index: number;
  /** The step as written (after `${ENV}` interpolation). */
  raw: Readonly<Record<string, unknown>>;
  /** Set when `method` names a known kind, even if the step is otherwise invalid. */
  method?: StepKind;
  /**
   * For a step with no known method, the kind it most likely meant (a near-miss method, or a
   * bare `- index`), so order checks go on without reporting consequences of that one typo.
   */
  likelyMethod?: StepKind;
  /** Set when the whole step is valid. */
  parsed?: ParsedStep;
}

export function stepPath(job: string, index: number, ...rest: YamlPathSegment[]): YamlPathSegment[] {
  return ['jobs', job, 'steps', index, ...rest];
}
