import { readdirSync, readFileSync } from 'node:fs';

export type InterruptCause = 'SIGINT' | 'SIGTERM' | 'parent-gone';

export interface RunInterrupts {
  /** What stopped the run, once something did. */
  readonly cause: InterruptCause | undefined;
  /** 130 (SIGINT) or 143 (SIGTERM, parent gone) once interrupted. */
  readonly exitCode: number | undefined;
  dispose(): void;
}

export interface StopRunOptions {
  /** After this long the orderly stop is given up and the run is forced down (default 30 s). */
  forceAfterMs?: number;
  /** How often the parent process is looked for (default 500 ms). */
  parentCheckMs?: number;
  /**
   * Runs synchronously on the forced path, before the process exits: what would otherwise be
   * left behind (the run's resources on its daemons) must be removed here.
   */
  onForce?(cause: InterruptCause): void;
  log?(line: string): void;
}

const defaultForceAfterMs = 30_000;

/**
 * Vitest's own SIGINT/SIGTERM handler exits the main process 1 ms after the signal: the step
 * in flight never writes its partial report, reporters never run (no steps.json, no Allure
 * results), and teardown dies half way. This replaces it, in the main process, with an
 * orderly stop: the signal goes on to the suite worker (watch-run-interrupt.ts), which aborts
 * the running step (a load phase returns what it measured), skips the steps after it and runs
 * teardown; the run then ends as usual — reporters, global teardown — with exit code 130/143.
 *
 * (Vitest's own cancel, `vitest.cancelCurrentRun`, is no help here: it settles the running
 * test as skipped the moment its signal aborts, before the step has reported anything, and
 * runs the teardown hooks while the step is still stopping.)
 *
 * `npx` killed alone (a CI timeout) does not pass the signal on: Vitest would run on
 * orphaned. The parent is watched, and its disappearance stops the run as SIGTERM would
 * (unless JINA_STRESS_KEEP_RUNNING_ORPHANED=1, for a run started in the background on
 * purpose).
 *
 * A second signal, or an orderly stop still running after `forceAfterMs`, forces it: the
 * suite workers are killed, `onForce` runs, and Vitest's own handler ends the process.
 */
export function stopRunOnInterrupt(options: StopRunOptions): RunInterrupts {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const forceAfterMs = options.forceAfterMs ?? defaultForceAfterMs;
  // Vitest's handlers, kept to end the process the way it would on the forced path.
  const vitestHandlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const listeners = process.listeners(signal) as Array<(signal: NodeJS.Signals) => void>;
    for (const listener of listeners) process.removeListener(signal, listener);
    return { signal, listeners };
  });
  let cause: InterruptCause | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  let isForced = false;

  const force = (why: string): void => {
    if (isForced) return;
    isForced = true;
    log(`jina-stress: ${why}: stopping at once`);
    signalSuiteWorkers('SIGKILL');
    try {
      options.onForce?.(cause ?? 'SIGTERM');
    } finally {
      restoreVitestHandlers();
      process.exitCode = exitCodeOf(cause ?? 'SIGTERM');
      const handlers = vitestHandlers.find(({ signal }) => signal === 'SIGINT')?.listeners ?? [];
      if (handlers.length === 0) process.exit();
      for (const handler of handlers) handler('SIGINT');
    }
  };

  const interrupt = (what: InterruptCause): void => {
    if (cause) {
      force(`${what === 'parent-gone' ? 'parent process gone' : what} again`);
      return;
    }
    cause = what;
    log(
      `\njina-stress: ${what === 'parent-gone' ? 'the process that started this run is gone' : what}: stopping the run — ` +
        `the running step keeps what it measured, teardown removes what the run created` +
        ` (${what === 'SIGINT' ? 'Ctrl+C' : 'the signal'} again stops at once)`,
    );
    forceTimer = setTimeout(() => force(`the orderly stop took longer than ${forceAfterMs / 1000}s`), forceAfterMs);
    forceTimer.unref();
    // On Ctrl+C the worker got its own SIGINT from the group too; a second one changes nothing.
    signalSuiteWorkers(what === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  };

  const onSigint = () => interrupt('SIGINT');
  const onSigterm = () => interrupt('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  const parentPid = process.ppid;
  const keepOrphaned = process.env.JINA_STRESS_KEEP_RUNNING_ORPHANED === '1';
  const parentWatch = keepOrphaned
    ? undefined
    : setInterval(() => {
        if (process.ppid === parentPid || cause) return;
        // Whoever read our output may be gone with the parent: a write must not crash the stop.
        for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
        interrupt('parent-gone');
      }, options.parentCheckMs ?? 500);
  parentWatch?.unref();
  // Set last, so it wins over Vitest's "tests failed: 1".
  const onExit = () => {
    if (cause) process.exitCode = exitCodeOf(cause);
  };
  process.on('exit', onExit);

  function restoreVitestHandlers(): void {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    for (const { signal, listeners } of vitestHandlers) for (const listener of listeners) process.once(signal, listener);
  }

  return {
    get cause() {
      return cause;
    },
    get exitCode() {
      return cause ? exitCodeOf(cause) : undefined;
    },
    dispose() {
      clearInterval(parentWatch);
      clearTimeout(forceTimer);
      if (!isForced) restoreVitestHandlers();
    },
  };
}

function exitCodeOf(cause: InterruptCause): number {
  return cause === 'SIGINT' ? 130 : 143;
}

/**
 * Signals this process's Vitest worker processes (children running `workers/forks.js`), found
 * through /proc (Linux). Elsewhere only signals sent to the process group reach them.
 */
function signalSuiteWorkers(signal: NodeJS.Signals): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (command.includes('vitest') && command.includes('workers')) process.kill(Number(entry), signal);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}
