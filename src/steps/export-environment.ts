import type { JobContext } from './job-context.ts';

/** Process-environment values before a job's workspace steps exported over them (undefined: unset). */
const previousValues = new WeakMap<JobContext, Map<string, string | undefined>>();

/**
 * The seed's export: after a workspace step renders its files, its `environment` goes into the
 * process environment, where later steps read it — the load steps' default gateway port
 * (`JINA_GATEWAY_PORT_EXPOSE`), your own inputs and checks (`process.env`, worker threads
 * included: they start after the export), and `${VAR}` of later steps (resolved when the
 * config loads, validate-config.ts). Returns the names exported, never the values (they may be
 * secrets). The job's end restores what was there before (restoreEnvironment), so one job's
 * values do not leak into the next — as each job's `${VAR}` sees only its own steps.
 */
export function exportEnvironment(job: JobContext, environment: Readonly<Record<string, string>>): string[] {
  let previous = previousValues.get(job);
  if (!previous) previousValues.set(job, (previous = new Map()));
  const names = Object.keys(environment);
  for (const name of names) {
    if (!previous.has(name)) previous.set(name, process.env[name]);
    process.env[name] = String(environment[name]);
  }
  return names;
}

/** Puts back the process environment a job's exports replaced. */
export function restoreEnvironment(job: JobContext): void {
  const previous = previousValues.get(job);
  if (!previous) return;
  for (const [name, value] of previous) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  previousValues.delete(job);
}
