import type { Route } from '../protocol/data-request.ts';

export interface ExecutorTiming {
  executor: string;
  durationMs: number;
}

export interface RouteTimings {
  /** The `gateway` route: the whole request inside the gateway; undefined when not stamped. */
  gatewayMs: number | undefined;
  /** One entry per executor route with both ends stamped, in response order. */
  executors: ExecutorTiming[];
}

/**
 * Per-executor time as the gateway saw it (end − start, so network and serialization to the
 * executor are included; docs/jina-protocols.md §1.5). Routes missing a timestamp are skipped.
 */
export function routeTimings(routes: readonly Route[]): RouteTimings {
  let gatewayMs: number | undefined;
  const executors: ExecutorTiming[] = [];
  for (const route of routes) {
    if (route.startUs === undefined || route.endUs === undefined) continue;
    const durationMs = (route.endUs - route.startUs) / 1000;
    if (route.executor === 'gateway') gatewayMs = durationMs;
    else executors.push({ executor: route.executor, durationMs });
  }
  return { gatewayMs, executors };
}
