import { basename } from 'node:path';
import type { Plan } from '../config/plan.ts';
import { StressError } from '../errors.ts';

/** Vitest's full test name: the describes (config file, job) and the test (step), space-joined. */
export function fullStepName(configFile: string, job: string, step: string): string {
  return `${configFile} ${job} ${step}`;
}

/**
 * The steps `-t` selects. Vitest exits 0 when a pattern matches nothing (every test skipped);
 * a stress run that ran nothing must not look green, so that is an error here.
 */
export function selectSteps(plan: Plan, pattern: RegExp | undefined): string[] {
  const configFile = basename(plan.configPath);
  const all = plan.jobs.flatMap((job) => job.steps.map((step) => fullStepName(configFile, job.name, step.name)));
  if (!pattern) return all;
  const selected = all.filter((name) => pattern.test(name));
  if (selected.length === 0) {
    throw new StressError('SELECTION_EMPTY', `the test name filter ${String(pattern)} selects no step of ${plan.configPath}`, {
      hint: `the filter is matched against "<config file> <job> <step>": ${all.map((n) => `"${n}"`).join(', ')}`,
    });
  }
  return selected;
}
