import type { LoadStepParams } from '../config/plan.ts';

/**
 * The phase's own length plus room to connect, drain in-flight requests and attach reports.
 * Vitest aborts the step's signal at this point, and the engine stops cleanly on it.
 */
export function loadStepTimeoutMs(params: LoadStepParams): number {
  const phaseS = params.arrival ? params.arrival.durationS : params.executionTimeS;
  return (phaseS + 60) * 1000 + params.requestTimeoutMs;
}
