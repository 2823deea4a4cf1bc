import { availableParallelism } from 'node:os';
import type { LoadStepParams } from './load-params.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';

/**
 * Rough cost of one request on a generator thread: a fixed part (send, receive, record) plus
 * encoding per document (bench/load measured ~25 µs and ~3 µs here). A thread is planned at
 * 70% busy so its timers stay punctual.
 */
const fixedCostUs = 25;
const perDocCostUs = 3;
const plannedBusyShare = 0.7;
/** Closed model: its rate is unknown up front; assume each client could complete one request per 2 ms. */
const assumedClosedLatencyMs = 2;

/**
 * Worker threads for a phase: `workers` when given (0 = the calling thread), else as many as
 * the expected rate needs — 0 when one thread suffices, otherwise at most cores − 1 (at least
 * 1), leaving a core for the main thread and the target.
 */
export function resolveWorkerCount(params: LoadStepParams, cores = availableParallelism()): number {
  const clients = params.numClients;
  if (params.workers !== undefined) return Math.min(params.workers, clients);
  const expectedRate = params.arrival
    ? new ArrivalSchedule(params.arrival).peakRate
    : (clients * params.prefetch * 1000) / assumedClosedLatencyMs;
  const threadRate = (plannedBusyShare * 1e6) / (fixedCostUs + perDocCostUs * params.requestSize);
  const needed = Math.ceil(expectedRate / threadRate);
  if (needed <= 1) return 0;
  return Math.min(needed, Math.max(1, cores - 1), clients);
}
