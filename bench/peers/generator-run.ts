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
