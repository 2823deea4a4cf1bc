/**
 * What one generator process reports for one round, whoever it is (ours, a bare client, a
 * peer). CPU is the generator process's own user + system time over the round: measured with
 * `process.cpuUsage()` inside Node generators, from `/proc/<pid>/stat` for peers that are not
 * ours to instrument (ghz).
 */
export interface GeneratorRun {
  requests: number;
  /** Request payload bytes sent (request bytes × requests): the images scenario's rate. */
  bytes: number;
  errors: number;
  wallS: number;
  cpuS: number;
  p50Ms: number;
  p99Ms: number;
  /** Check violations (our side with --check). */
  violations?: number;
  /**
   * The same run without its first second (absent for ghz): what a generator costs once warm.
   * The first second carries costs paid once per process and phase, not per request — V8
   * compiling the hot path (on its background threads too, which `process.cpuUsage` counts),
   * first-use set-up, connections a peer opens inside its run — and on a loaded machine, where
   * a 4 s round completes only a few thousand requests, they weigh several times more per
   * request than in a long phase. Both sides are cut at their own first second.
   */
  steady?: SteadyPart;
}

/** Requests, CPU and wall time of a run after its warm-up mark. */
export interface SteadyPart {
  requests: number;
  cpuS: number;
  wallS: number;
}

/** Where a run's warm-up ends: the process CPU, the requests so far and the clock then. */
export interface WarmupMark {
  cpu: NodeJS.CpuUsage;
  requests: number;
  atMs: number;
}

/** Seconds after a run's start at which its warm-up ends (the same for every generator). */
export const WARMUP_S = 1;

export function markWarmup(requests: number): WarmupMark {
  return { cpu: process.cpuUsage(), requests, atMs: performance.now() };
}

/** The run after `mark`, at its end (`requests` in total, `endMs` on `performance.now()`). */
export function steadyPart(mark: WarmupMark | undefined, requests: number, endMs: number): SteadyPart | undefined {
  if (!mark) return undefined;
  const cpu = process.cpuUsage(mark.cpu);
  return { requests: requests - mark.requests, cpuS: (cpu.user + cpu.system) / 1e6, wallS: (endMs - mark.atMs) / 1000 };
}

/** Round-trip times of a bare client, kept flat (a bare client must stay cheap). */
export class LatencySamples {
  private samples = new Float64Array(1 << 16);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
  }

  percentile(share: number): number {
    if (this.count === 0) return 0;
    const sorted = this.samples.slice(0, this.count).sort();
    return sorted[Math.min(this.count - 1, Math.floor(share * this.count))]!;
  }
}

/** Child generators print their run as the last line of stdout. */
export function printRun(run: GeneratorRun): void {
  process.stdout.write(`${JSON.stringify(run)}\n`);
}
