import type { RouteTimings } from './route-timings.ts';

/**
 * Where the round trips went, added up over requests (µs). Per request, from what its
 * response carries: `executorsUs` is the union of the executor routes' spans (parallel
 * branches once), `gatewayUs` the gateway route's span minus that union (the gateway's own
 * share: routing, (de)serialization, queueing in it), `clientUs` the client's round trip
 * minus the gateway span (encoding and decoding here, the network, and waiting in the
 * generator's event loop). Only requests whose response carries a stamped `gateway` route
 * count; `requests` says how many did.
 */
export interface SplitSum {
  requests: number;
  executorsUs: number;
  gatewayUs: number;
  clientUs: number;
}

export function emptySplitSum(): SplitSum {
  return { requests: 0, executorsUs: 0, gatewayUs: 0, clientUs: 0 };
}

export function addSplitSum(into: SplitSum, from: SplitSum): void {
  into.requests += from.requests;
  into.executorsUs += from.executorsUs;
  into.gatewayUs += from.gatewayUs;
  into.clientUs += from.clientUs;
}

/** Adds one request's split; false when its response has no gateway span to split by. */
export function addRequestSplit(into: SplitSum, timings: RouteTimings, roundTripUs: number): boolean {
  if (timings.gatewayUs < 0 || timings.overheadUs < 0) return false;
  into.requests++;
  into.executorsUs += timings.gatewayUs - timings.overheadUs;
  into.gatewayUs += timings.overheadUs;
  // Clocks: the gateway stamps with its own clock, the round trip is ours; a gateway span
  // longer than the round trip (clock steps, coarse stamps) counts as no client time.
  into.clientUs += Math.max(0, roundTripUs - timings.gatewayUs);
  return true;
}

/** Mean ms per request of each part; they add up to the mean client round trip of those requests. */
export interface SplitMeans {
  executorsMs: number;
  gatewayMs: number;
  clientMs: number;
}

export function splitMeans(sum: SplitSum): SplitMeans | undefined {
  if (sum.requests === 0) return undefined;
  const mean = (us: number): number => us / sum.requests / 1000;
  return { executorsMs: mean(sum.executorsUs), gatewayMs: mean(sum.gatewayUs), clientMs: mean(sum.clientUs) };
}
