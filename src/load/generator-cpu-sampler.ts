import { performance } from 'node:perf_hooks';
import type { GeneratorLoad } from './load-result.ts';

/** At or above this share of the usable cores a second counts as saturated. */
export const SATURATED_SHARE = 0.9;

/**
 * Samples the generator process's CPU (user + system, every thread: worker shards included)
 * once a second during a phase. Each sample is divided by the time that actually passed, so a
 * late timer on a busy event loop stretches a sample instead of inflating it.
 */
export class GeneratorCpuSampler {
  /** CPU per elapsed second, in cores. */
  readonly cores: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = process.cpuUsage();
  private lastMs = performance.now();

  start(): void {
    this.lastCpu = process.cpuUsage();
    this.lastMs = performance.now();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  /** Stops sampling; a last partial second counts when it lasted at least half a second. */
  stop(): number[] {
    clearInterval(this.timer);
    if (performance.now() - this.lastMs >= 500) this.sample();
    return this.cores;
  }

  private sample(): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = now - this.lastMs;
    this.lastCpu = process.cpuUsage();
    this.lastMs = now;
    if (elapsedMs > 0) this.cores.push((cpu.user + cpu.system) / 1000 / elapsedMs);
  }
}

/**
 * The phase's generator load from its per-second samples and its threads' event-loop
 * utilization; undefined when the phase was too short to sample.
 *
 * Saturated by either sign: at least half the seconds at >= 90% of the usable cores, or the
 * client threads' event loops active >= 90% of the phase. The second matters on a shared
 * machine: a generator thread that never idles is the bottleneck even when the OS gave it
 * less than a core (time it was preempted still counts as active).
 */
export function summarizeGeneratorLoad(cores: readonly number[], usableCores: number, loopBusyShare: number): GeneratorLoad | undefined {
  if (cores.length === 0) return undefined;
  const meanCores = cores.reduce((sum, value) => sum + value, 0) / cores.length;
  const saturatedSeconds = cores.filter((value) => value >= SATURATED_SHARE * usableCores).length;
  return {
    usableCores,
    meanCores,
    peakCores: Math.max(...cores),
    meanShare: meanCores / usableCores,
    loopBusyShare,
    saturated: saturatedSeconds * 2 >= cores.length || loopBusyShare >= SATURATED_SHARE,
  };
}
