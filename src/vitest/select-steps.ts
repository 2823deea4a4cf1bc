import type { Plan } from '../config/plan';
import { StressError } from '../errors';

/** Vitest's full test name: describe (job) and test (step) joined by a space. */
export function fullStepName(job: string, step: string): string {
  return `${job} ${step}`;
}

/**
 * The steps `-t` selects. Vitest exits 0 when a pattern matches nothing (every test skipped);
 * a stress run that ran nothing must not look green, so that is an error here.
 */
export function selectSteps(plan: Plan, pattern: RegExp | undefined): string[] {
  const all = plan.jobs.flatMap((job) => job.steps.map((step) => fullStepName(job.name, step.name)));
  if (!pattern) return all;
  const selected = all.filter((name) => pattern.test(name));
  if (selected.length === 0) {
    throw new StressError('SELECTION_EMPTY', `the test name filter ${String(pattern)} selects no step of ${plan.configPath}`, {
      hint: `step names are "<job> <step>": ${all.map((n) => `"${n}"`).join(', ')}`,
    });
  }
  return selected;
}
