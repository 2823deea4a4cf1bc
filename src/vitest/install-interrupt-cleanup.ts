import type { JobRunner } from '../steps/job-runner';

const CLEANUP_LIMIT_MS = 15_000;

/**
 * On SIGINT/SIGTERM in the suite worker, remove what every job created before the process
 * goes: the seed leaked Flows and workspaces whenever a run was interrupted.
 */
export function installInterruptCleanup(runners: readonly JobRunner[]): void {
  let cleaning = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (cleaning) return;
    cleaning = true;
    const all = Promise.allSettled(runners.map((runner) => runner.teardown()));
    const limit = new Promise((resolve) => setTimeout(resolve, CLEANUP_LIMIT_MS).unref());
    void Promise.race([all, limit]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
