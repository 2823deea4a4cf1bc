import { parseFlowYaml } from '../config/flow-yaml-document.ts';
import { expandFlowVariables, redactErrorSubstitutions, wholeVariable } from '../config/flow-yaml-variables.ts';
import { StressError } from '../errors.ts';
import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import { toGatewayProtocol } from '../gateway/protocol-names.ts';

export interface FlowGatewayPort {
  protocol: GatewayProtocol;
  port: number;
}

const hint =
  'set the gateway port in the Flow YAML: `with: {port: 12345, protocol: grpc}` (lists allowed), ' +
  'a `gateway:` block, or 1.x `with: {port_expose: 23456, rest_api: false}`';

function flowYamlError(message: string): StressError {
  return new StressError('FLOW_YAML', message, { hint });
}

/**
 * Reads the gateway's protocol/port pairs from a Flow YAML the way Jina does: a top-level
 * `gateway:` block (3.x) or the Flow's `with:` (`port`/`protocol`, single or lists; the 1.x
 * `port_expose` + `rest_api`). Variables (Jina's syntax, see flow-yaml-variables) resolve from
 * `environment` only: the Flow's, never the agent's own. Errors never carry a filled-in value.
 */
export function readFlowGateways(flowYaml: string, environment: Record<string, string>): FlowGatewayPort[] {
  const block = readGatewayBlock(flowYaml);
  const unset: string[] = [];
  const expansion = expandFlowVariables(
    { port: block.port ?? block.port_expose, protocol: block.protocol, rest_api: block.rest_api },
    environment,
    (path, name) => unset.push(`${path}: \${{ ENV.${name} }}`),
  );
  if (unset.length > 0) throw flowYamlError(`Flow YAML gateway ${unset.join(', ')} is not set in the Flow's environment`);
  try {
    return toGatewayPorts(expansion.value as Record<string, unknown>);
  } catch (error) {
    throw redactErrorSubstitutions(error, expansion.substituted);
  }
}

function toGatewayPorts(block: Record<string, unknown>): FlowGatewayPort[] {
  const ports = toList(block.port).map(toPort);
  if (block.protocol === undefined && block.rest_api !== undefined) {
    // 1.x: `rest_api: true` was the FastAPI gateway, serving HTTP and WebSocket on one port.
    const isRest = block.rest_api === true || block.rest_api === 'true';
    const port = ports[0] as number;
    return isRest ? [{ protocol: 'http', port }, { protocol: 'websocket', port }] : [{ protocol: 'grpc', port }];
  }
  const protocols = toList(block.protocol ?? 'grpc').map(toProtocol);
  if (protocols.length === 1) return ports.map((port) => ({ protocol: protocols[0] as GatewayProtocol, port }));
  if (protocols.length !== ports.length) {
    throw flowYamlError(
      `Flow YAML gateway has ${protocols.length} protocols but ${ports.length} ports; give one port per protocol`,
    );
  }
  return protocols.map((protocol, index) => ({ protocol, port: ports[index] as number }));
}

/**
 * Variables the gateway port is written as (`port: ${{ ENV.JINA_PORT }}`) that have no value
 * in `environment`: the agent picks a free port for each (see flow-port-allocation). A port
 * written as anything else (a number, text around the variable) is left alone.
 */
export function findUnsetPortVariables(flowYaml: string, environment: Record<string, string>): string[] {
  const block = readGatewayBlock(flowYaml);
  const names = toList(block.port ?? block.port_expose).flatMap((value) => {
    const name = wholeVariable(value)?.name;
    return name !== undefined && environment[name] === undefined ? [name] : [];
  });
  return [...new Set(names)];
}

function readGatewayBlock(flowYaml: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = parseFlowYaml(flowYaml, 'Flow YAML');
  } catch (error) {
    throw flowYamlError(`Flow YAML does not parse: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw flowYamlError('Flow YAML is not a mapping');
  const block = [document.gateway, document.with].find(
    (candidate) => isRecord(candidate) && (candidate.port ?? candidate.port_expose) !== undefined,
  ) as Record<string, unknown> | undefined;
  if (!block) throw flowYamlError('Flow YAML names no gateway port, so the agent cannot tell when it is ready');
  return block;
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function toPort(value: unknown): number {
  const port = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw flowYamlError(`Flow YAML gateway port ${JSON.stringify(value)} is not a port number (1-65535)`);
  }
  return port;
}

function toProtocol(value: unknown): GatewayProtocol {
  const protocol = toGatewayProtocol(String(value));
  if (!protocol) {
    throw flowYamlError(`Flow YAML gateway protocol ${JSON.stringify(value)} is not one of grpc, http, websocket`);
  }
  return protocol;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
