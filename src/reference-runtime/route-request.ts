import type { DataRequest, EpochMicros, Route, Status } from '../protocol/data-request.ts';
import type { JinaDocument } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { parametersFor, RESULTS_KEY } from './executor-parameters.ts';
import { exceptionStatus } from './executor-status.ts';
import { GATEWAY_NODE } from './flow-spec.ts';
import { routeOrder, type FlowTopology, type TopologyNode } from './flow-topology.ts';
import { reduceDocuments } from './reduce-documents.ts';

/**
 * What the gateway answers: a response (possibly with an ERROR status: Jina sends executor
 * exceptions as data), or UNAVAILABLE when a deployment has no live replica — a transport
 * error in Jina (gRPC status UNAVAILABLE, HTTP 503, WebSocket close 1011).
 */
export type FlowOutcome =
  | { status: 'response'; response: DataRequest }
  | { status: 'unavailable'; requestId: string; deployment: string; message: string };

type NodeResult = { docs: JinaDocument[]; error?: Status };

interface NodeVisit {
  startUs?: EpochMicros;
  endUs?: EpochMicros;
  status?: Status;
}

class DeploymentUnavailable extends Error {
  constructor(
    readonly deployment: string,
    message: string,
  ) {
    super(message);
  }
}

/** Wall-clock µs with sub-millisecond resolution (performance.now on the epoch origin). */
export function nowMicros(): EpochMicros {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Sends one request through the Flow the way Jina 3.x's gateway does
 * (`async_request_response_handling.py`, `topology_graph.py`): a `gateway` route first;
 * each executor starts when all its needs answered; an executor that does not bind the
 * endpoint or does not match `target_executor` (re.match) passes the documents on and its
 * route has a start but no end, as in Jina; after an ERROR the rest of the branch is not
 * sent to and gets no route; `parameters.__results__` collects executors' returned dicts.
 */
export interface RouteOptions {
  /**
   * Whether executors that do not bind the endpoint are skipped (start, no end) rather than
   * called and passed through (start and end). Jina's gateway skips only once it discovered
   * the executors' endpoints: always with docarray v2, after endpoint discovery with v1.
   */
  skipsUnboundExecutors: boolean;
}

export async function routeRequest(topology: FlowTopology, request: DataRequest, options: RouteOptions = { skipsUnboundExecutors: true }): Promise<FlowOutcome> {
  const gatewayRoute: Route = { executor: GATEWAY_NODE, startUs: nowMicros() };
  const endpoint = request.header.execEndpoint ?? '';
  const visits = new Map<string, NodeVisit>();
  const results: JsonObject = {};
  let target: RegExp | undefined;
  try {
    target = request.header.targetExecutor ? new RegExp(request.header.targetExecutor, 'y') : undefined;
  } catch (error) {
    return respond(request, gatewayRoute, [], request.docs, exceptionStatus(patternError(error), '', endpoint), results);
  }

  const pending = new Map<string, Promise<NodeResult>>();
  const run = (node: TopologyNode): Promise<NodeResult> => {
    let promise = pending.get(node.name);
    if (!promise) {
      promise = visitNode(node);
      pending.set(node.name, promise);
    }
    return promise;
  };
  const visitNode = async (node: TopologyNode): Promise<NodeResult> => {
    const parts = await Promise.all(
      node.needs.map((need): NodeResult | Promise<NodeResult> =>
        need === GATEWAY_NODE ? { docs: request.docs } : run(topology.nodes.get(need)!),
      ),
    );
    const failed = parts.find((part) => part.error);
    if (failed) return failed;
    const visit: NodeVisit = { startUs: nowMicros() };
    visits.set(node.name, visit);
    const docs = parts.length === 1 ? parts[0]!.docs : reduceDocuments(parts.map((part) => part.docs));
    if (!node.deployment.bindsEndpoint(endpoint)) {
      if (!options.skipsUnboundExecutors) visit.endUs = nowMicros();
      return { docs };
    }
    if (target && !matchesAtStart(target, node.name)) return { docs };
    const outcome = await node.deployment.send(endpoint, docs, parametersFor(request.parameters, node.name));
    visit.endUs = nowMicros();
    if (outcome.status === 'unavailable') throw new DeploymentUnavailable(node.name, outcome.message);
    if (outcome.status === 'raised') {
      visit.status = exceptionStatus(outcome.error, node.deployment.spec.uses, endpoint);
      return { docs, error: visit.status };
    }
    if (outcome.results) Object.assign(results, outcome.results);
    return { docs: outcome.docs };
  };

  // Floating executors run too, but nobody waits for them (nor for their failures).
  for (const node of topology.floating) run(node).catch(() => undefined);
  let final: NodeResult = { docs: request.docs };
  try {
    if (topology.responding) final = await run(topology.responding);
  } catch (error) {
    if (!(error instanceof DeploymentUnavailable)) throw error;
    return {
      status: 'unavailable',
      requestId: request.header.requestId,
      deployment: error.deployment,
      // Jina's words (the address stands for the deployment): clients read the name from here.
      message: `${error.message} |Gateway: Communication error with deployment ${error.deployment} at address(es) {'reference:${error.deployment}'}. Head or worker(s) may be down.`,
    };
  }
  const executorRoutes = routeOrder(topology, (node) => visits.get(node.name)?.startUs !== undefined).map(
    (node): Route => ({ executor: node.name, ...visits.get(node.name) }),
  );
  return respond(request, gatewayRoute, executorRoutes, final.docs, final.error, results);
}

function respond(
  request: DataRequest,
  gatewayRoute: Route,
  executorRoutes: Route[],
  docs: JinaDocument[],
  error: Status | undefined,
  results: JsonObject,
): FlowOutcome {
  const parameters: JsonObject = { ...request.parameters };
  if (Object.keys(results).length > 0) parameters[RESULTS_KEY] = results;
  const incomingGatewayRoutes = request.routes.filter((route) => route.executor === GATEWAY_NODE).map((route) => ({ ...route }));
  const routes = [...incomingGatewayRoutes, gatewayRoute, ...executorRoutes];
  // Jina's result handler closes every `gateway` route when the response leaves.
  const endUs = nowMicros();
  for (const route of routes) if (route.executor === GATEWAY_NODE) route.endUs = endUs;
  // Jina resets the target to '' in every response.
  const header = { ...request.header, targetExecutor: '' };
  return {
    status: 'response',
    response: { header: error ? { ...header, status: error } : header, parameters, routes, docs },
  };
}

function matchesAtStart(pattern: RegExp, name: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(name);
}

function patternError(error: unknown): Error {
  const wrapped = new Error(`bad target_executor pattern: ${(error as Error).message}`);
  wrapped.name = 'error';
  return wrapped;
}
