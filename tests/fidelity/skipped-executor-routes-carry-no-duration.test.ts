import { describe, expect, it } from 'vitest';
import { routeTimings } from '../../src/gateway/route-timings.ts';
import { createRouteTimings, readRouteTimings } from '../../src/load/route-timings.ts';
import type { Route } from '../../src/protocol/data-request.ts';
import { parseRfc3339 } from '../../src/protocol/timestamp.ts';
import { docarrayVersions, reportEntry } from './jina-captures.ts';

/**
 * Jina stamps a route for every executor of the graph, and one that is skipped (endpoint not
 * bound, or not the target_executor) keeps its start with no end (verified §1.8). Per-executor
 * times must leave those out, not count a negative or epoch-sized duration.
 */
function routesFromReport(entries: Array<{ executor: string; start: string | null; end: string | null }>): Route[] {
  return entries.map((entry) => {
    const route: Route = { executor: entry.executor };
    if (entry.start) route.startUs = parseRfc3339(entry.start);
    if (entry.end) route.endUs = parseRfc3339(entry.end);
    return route;
  });
}

describe.each(docarrayVersions)('routes Jina 3.34 stamped around skipped executors, docarray %s', (docarray) => {
  it.each([
    ['unknown_endpoint_routes', ['encoder', 'slow']],
    ['target_executor_indexer_routes', ['indexer']],
  ])('%s: only executors that ran get a time', (key, ran) => {
    const routes = routesFromReport(reportEntry(docarray, 'grpc', key));
    expect(routes.some((route) => route.endUs === undefined)).toBe(true);

    const client = routeTimings(routes);
    expect(client.executors.map((timing) => timing.executor)).toEqual(ran);
    for (const timing of client.executors) expect(timing.durationMs).toBeGreaterThanOrEqual(0);
    expect(client.executors.every((timing) => timing.durationMs < 10_000)).toBe(true);

    const engine = readRouteTimings(routes, createRouteTimings());
    expect(engine.executors.slice(0, engine.executorCount)).toEqual(ran);
    expect(engine.gatewayUs).toBeGreaterThan(0);
    expect(engine.overheadUs).toBeGreaterThanOrEqual(0);
    expect(engine.overheadUs).toBeLessThanOrEqual(engine.gatewayUs);
  });
});
