export interface RunInterrupt {
  /** Aborted (reason: an Error naming the signal) when the run is interrupted. */
  readonly signal: AbortSignal;
  /** Every job is done: a signal now is Vitest ending this worker, obeyed at once. */
  runEnded(): void;
}

/**
 * The suite worker's half of an orderly interrupt (the main process's half is
 * stop-run-on-interrupt.ts). Ctrl+C signals the whole process group, and the main process
 * passes SIGINT/SIGTERM on to this worker when only it got one. Either way the worker does
 * not die: the running step's signal is aborted (a load phase returns what it measured, and
 * the step is marked interrupted), the steps after it are skipped, teardown runs, and the
 * run ends as usual, so reporters write steps.json and the Allure results. A signal repeated
 * (the group's and the forwarded one) changes nothing; forcing is the main process's call.
 */
export function watchRunInterrupt(): RunInterrupt {
  const controller = new AbortController();
  let hasRunEnded = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (hasRunEnded) process.exit(signal === 'SIGINT' ? 130 : 143);
    if (!controller.signal.aborted) controller.abort(new Error(`the run was interrupted (${signal})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    runEnded: () => {
      hasRunEnded = true;
    },
  };
}
