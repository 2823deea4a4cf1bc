import type { ArrivalModel } from './load-params.ts';

/**
 * When each request of an open-model phase should start: a rate of `arrivalRate` req/s,
 * changing linearly to `rampTo` over `durationS`. Request i starts when the expected
 * number of arrivals N(t) = r0·t + (r1 − r0)·t² / (2D) reaches i, so a ramp has no steps.
 */
export class ArrivalSchedule {
  /** Requests in the whole phase (all shards). */
  readonly count: number;
  private readonly startRate: number;
  private readonly endRate: number;
  private readonly slope: number;

  constructor(model: Pick<ArrivalModel, 'arrivalRate' | 'rampTo' | 'durationS'>) {
    const endRate = model.rampTo ?? model.arrivalRate;
    this.startRate = model.arrivalRate;
    this.endRate = endRate;
    this.slope = model.durationS > 0 ? (endRate - model.arrivalRate) / model.durationS : 0;
    const total = ((model.arrivalRate + endRate) / 2) * model.durationS;
    // Arrivals at N(t) = 0, 1, ... strictly before the end: ceil(total) of them.
    this.count = Math.max(0, Math.ceil(total - 1e-9));
  }

  /** Start of request `index`, in ms from the phase start. */
  timeMs(index: number): number {
    const { startRate: r0, slope: a } = this;
    if (index <= 0) return 0;
    if (Math.abs(a) < 1e-12) return (index / r0) * 1000;
    // Solve (a/2)·t² + r0·t − i = 0 for the positive root, in the cancellation-free form.
    return ((2 * index) / (r0 + Math.sqrt(r0 * r0 + 2 * a * index))) * 1000;
  }

  /** Highest rate of the phase, req/s. */
  get peakRate(): number {
    return Math.max(this.startRate, this.endRate);
  }
}
