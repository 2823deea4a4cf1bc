import type { Deployment } from './deployment.ts';
import { GATEWAY_NODE } from './flow-spec.ts';

export interface TopologyNode {
  name: string;
  deployment: Deployment;
  /** Predecessors; `gateway` is the request itself. A join waits for all of them. */
  needs: readonly string[];
  /** Executors that need this one, in declaration order (Jina's outgoing nodes). */
  outgoing: TopologyNode[];
}

export interface FlowTopology {
  nodes: ReadonlyMap<string, TopologyNode>;
  /** Executors that need the gateway, in declaration order: routes are stamped from them. */
  origins: readonly TopologyNode[];
  /** The executor whose answer is the response: the last non-floating one declared. */
  responding: TopologyNode | undefined;
  /** Other leaves: run, but the response does not wait for them (Jina's floating executors). */
  floating: readonly TopologyNode[];
}

/**
 * The DAG of a Flow as Jina's gateway builds it (`_get_graph_representation`): edges from
 * `needs`, origins = executors needing the gateway, only the last declared executor feeds
 * the response.
 */
export function buildTopology(deployments: readonly Deployment[]): FlowTopology {
  const nodes = new Map<string, TopologyNode>();
  for (const deployment of deployments) {
    nodes.set(deployment.name, { name: deployment.name, deployment, needs: deployment.spec.needs, outgoing: [] });
  }
  const origins: TopologyNode[] = [];
  for (const node of nodes.values()) {
    for (const need of node.needs) {
      if (need === GATEWAY_NODE) origins.push(node);
      else nodes.get(need)?.outgoing.push(node);
    }
  }
  const declared = [...nodes.values()];
  const responding = declared.filter((node) => !node.deployment.spec.floating).at(-1);
  const floating = declared.filter((node) => node.outgoing.length === 0 && node !== responding);
  return { nodes, origins, responding, floating };
}

/**
 * Nodes in the order Jina's `add_routes` visits them: depth first from each origin, a node
 * once. Only nodes for which `isReached` holds get a route.
 */
export function routeOrder(topology: FlowTopology, isReached: (node: TopologyNode) => boolean): TopologyNode[] {
  const ordered: TopologyNode[] = [];
  const seen = new Set<string>();
  const visit = (node: TopologyNode): void => {
    if (!seen.has(node.name) && isReached(node)) {
      seen.add(node.name);
      ordered.push(node);
    }
    for (const next of node.outgoing) visit(next);
  };
  topology.origins.forEach(visit);
  return ordered;
}
