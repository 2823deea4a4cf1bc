import { performance } from 'node:perf_hooks';

export interface TimerLag {
  /** The latest a timer of this process fired since the watch began, in ms. */
  maxLagMs(): number;
  stop(): void;
}

/**
 * Ground truth for deadlines on a busy machine: a bare timer in this process, re-armed every
 * `intervalMs`, records how late it fires. The engine's own timers (deadline, grace) run on
 * the same event loop and can be no more punctual; a bound of "deadline + grace + this lag"
 * holds however loaded the machine is, and still catches an engine that waits for requests.
 */
export function watchTimerLag(intervalMs = 10): TimerLag {
  let maxLagMs = 0;
  let expected = performance.now() + intervalMs;
  let timer: NodeJS.Timeout;
  const tick = (): void => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - expected);
    expected = now + intervalMs;
    timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return { maxLagMs: () => maxLagMs, stop: () => clearTimeout(timer) };
}
