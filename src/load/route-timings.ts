import type { Route } from '../protocol/data-request.ts';

/**
 * Where one request's time went, read from its response routes. Reused across requests (the
 * engine reads one per response), so the arrays are overwritten in place and only the first
 * `executorCount` entries are meaningful.
 */
export interface RouteTimings {
  executorCount: number;
  executors: string[];
  durationsUs: number[];
  startsUs: number[];
  endsUs: number[];
  /** Span of the `gateway` route; -1 when the response has none. */
  gatewayUs: number;
  /** Gateway span minus the union of executor spans (parallel branches count once); -1 when unknown. */
  overheadUs: number;
}

export function createRouteTimings(): RouteTimings {
  return { executorCount: 0, executors: [], durationsUs: [], startsUs: [], endsUs: [], gatewayUs: -1, overheadUs: -1 };
}

const gatewayRoute = 'gateway';

export function readRouteTimings(routes: readonly Route[], into: RouteTimings): RouteTimings {
  into.executorCount = 0;
  into.gatewayUs = -1;
  into.overheadUs = -1;
  for (const route of routes) {
    if (route.startUs === undefined || route.endUs === undefined) continue;
    if (route.executor === gatewayRoute) {
      into.gatewayUs = Math.max(0, route.endUs - route.startUs);
      continue;
    }
    const slot = into.executorCount++;
    into.executors[slot] = route.executor;
    into.startsUs[slot] = route.startUs;
    into.endsUs[slot] = Math.max(route.startUs, route.endUs);
    into.durationsUs[slot] = into.endsUs[slot]! - route.startUs;
  }
  if (into.gatewayUs >= 0) into.overheadUs = Math.max(0, into.gatewayUs - unionLengthUs(into));
  return into;
}

/** Length of the union of executor spans: sort by start (insertion sort; a Flow has a handful of routes), then sweep. */
function unionLengthUs(timings: RouteTimings): number {
  const count = timings.executorCount;
  const order = sweepOrder;
  for (let i = 0; i < count; i++) {
    let j = i;
    while (j > 0 && timings.startsUs[order[j - 1]!]! > timings.startsUs[i]!) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  let total = 0;
  let coveredUntil = -Infinity;
  for (let k = 0; k < count; k++) {
    const index = order[k]!;
    const start = Math.max(timings.startsUs[index]!, coveredUntil);
    const end = timings.endsUs[index]!;
    if (end > start) {
      total += end - start;
      coveredUntil = end;
    }
  }
  return total;
}

const sweepOrder: number[] = [];
