import type { JobStep } from './job-steps.ts';
import { stepPath } from './job-steps.ts';
import type { ProblemList } from './problem-list.ts';

/**
 * Test names for a job's steps: the step's `name:`, else its method, numbered from the
 * second use on (`start_flow #2`) so names stay unique. Explicit names must be unique.
 */
export function assignStepNames(job: string, steps: readonly JobStep[], problems: ProblemList): string[] {
  const explicit = new Map<string, number>();
  for (const step of steps) {
    const name = step.raw.name;
    if (typeof name !== 'string' || name === '') continue;
    const first = explicit.get(name);
    if (first === undefined) explicit.set(name, step.index);
    else {
      problems.add(stepPath(job, step.index, 'name'), `duplicate step name "${name}" (also steps[${first}])`, {
        hint: 'step names are test names and must be unique within a job',
      });
    }
  }
  const taken = new Set(explicit.keys());
  const uses = new Map<string, number>();
  return steps.map((step) => {
    const name = step.raw.name;
    if (typeof name === 'string' && name !== '') return name;
    const method = step.method ?? String(step.raw.method ?? 'step');
    let use = (uses.get(method) ?? 0) + 1;
    let candidate = use === 1 ? method : `${method} #${use}`;
    while (taken.has(candidate)) candidate = `${method} #${++use}`;
    uses.set(method, use);
    taken.add(candidate);
    return candidate;
  });
}
