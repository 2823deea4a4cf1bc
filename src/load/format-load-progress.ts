import type { LoadProgress } from './load-merger.ts';

export interface ProgressClock {
  /** Planned length of the phase in seconds. */
  plannedS: number;
  /** Generator CPU over the last window, in % of one core; absent when not measured. */
  cpuPercent?: number;
}

/**
 * One progress line of a running load phase, the same in a terminal's status line and in a
 * CI log: `4s/10s (6s left): 1,745.9 QPS, 17,459 docs/s, p99 5.7 ms, 0 errors, CPU 85%`.
 */
export function formatLoadProgress(progress: LoadProgress, clock: ProgressClock): string {
  const planned = Math.round(clock.plannedS);
  const elapsed = Math.round(progress.elapsedS);
  const left = Math.max(0, Math.round(clock.plannedS - progress.elapsedS));
  // Past the deadline only answers to requests already sent arrive (the drain).
  const clockText = elapsed > planned ? `${planned}s/${planned}s (finishing)` : `${elapsed}s/${planned}s (${left}s left)`;
  const number = (value: number, digits: number) =>
    value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const parts = [
    `${number(progress.qps, 1)} QPS`,
    `${number(progress.docsPerSec, 0)} docs/s`,
    `p99 ${number(progress.p99Ms, 1)} ms`,
    `${number(progress.errors, 0)} errors`,
    ...(clock.cpuPercent === undefined ? [] : [`generator CPU ${number(clock.cpuPercent, 0)}%`]),
  ];
  return `${clockText}: ${parts.join(', ')}`;
}

/** CPU of this process (all its threads) between calls, in % of one core. */
export function createCpuMeter(): () => number {
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  return () => {
    const cpu = process.cpuUsage(lastCpu);
    const now = performance.now();
    const percent = now > lastAt ? ((cpu.user + cpu.system) / 1000 / (now - lastAt)) * 100 : 0;
    lastCpu = process.cpuUsage();
    lastAt = now;
    return percent;
  };
}
