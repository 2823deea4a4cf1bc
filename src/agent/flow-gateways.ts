import { CORE_SCHEMA, defineMappingTag, defineScalarTag, defineSequenceTag, load, mergeTag } from 'js-yaml';
import { StressError } from '../errors.ts';
import type { GatewayProtocol } from '../gateway/gateway-client.ts';

export interface FlowGatewayPort {
  protocol: GatewayProtocol;
  port: number;
}

const protocolNames: Record<string, GatewayProtocol> = {
  grpc: 'grpc',
  http: 'http',
  websocket: 'websocket',
  websockets: 'websocket',
};

const hint =
  'set the gateway port in the Flow YAML: `with: {port: 12345, protocol: grpc}` (lists allowed), ' +
  'a `gateway:` block, or 1.x `with: {port_expose: 23456, rest_api: false}`';

// Jina's YAML tags its objects (`!Flow`, `!MyExecutor`): read any local tag as the plain
// value it decorates, since only the gateway keys matter here.
const flowSchema = CORE_SCHEMA.withTags(
  mergeTag,
  defineMappingTag<Record<string, unknown>>('!', {
    matchByTagPrefix: true,
    create: () => ({}),
    addPair: (carrier, key, value) => {
      carrier[String(key)] = value;
      return '';
    },
    has: (carrier, key) => Object.hasOwn(carrier, String(key)),
    keys: (result) => Object.keys(result),
    get: (result, key) => result[String(key)],
    identify: () => false,
  }),
  defineSequenceTag<unknown[]>('!', {
    matchByTagPrefix: true,
    create: () => [],
    addItem: (carrier, item) => void carrier.push(item),
    identify: () => false,
  }),
  defineScalarTag<string>('!', { matchByTagPrefix: true, resolve: (source) => source, identify: () => false }),
);

function flowYamlError(message: string): StressError {
  return new StressError('FLOW_YAML', message, { hint });
}

/**
 * Reads the gateway's protocol/port pairs from a Flow YAML the way Jina does: a top-level
 * `gateway:` block (3.x) or the Flow's `with:` (`port`/`protocol`, single or lists; the 1.x
 * `port_expose` + `rest_api`). `${{ ENV.X }}`, `${X}` and `$X` resolve from `environment`,
 * then `env`. This is the one place the agent parses Flow YAML; it reads only these keys.
 */
export function readFlowGateways(
  flowYaml: string,
  environment: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): FlowGatewayPort[] {
  const block = readGatewayBlock(flowYaml);
  const resolve = (value: unknown) => substituteEnvironment(value, { ...env, ...environment });

  const ports = toList(resolve(block.port ?? block.port_expose)).map(toPort);
  const rawProtocol = resolve(block.protocol);
  if (rawProtocol === undefined && block.rest_api !== undefined) {
    // 1.x: `rest_api: true` was the FastAPI gateway, serving HTTP and WebSocket on one port.
    const isRest = resolve(block.rest_api) === true || resolve(block.rest_api) === 'true';
    const port = ports[0] as number;
    return isRest ? [{ protocol: 'http', port }, { protocol: 'websocket', port }] : [{ protocol: 'grpc', port }];
  }
  const protocols = toList(rawProtocol ?? 'grpc').map(toProtocol);
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
 * in `environment` or `env`: the agent picks a free port for each (see flow-port-allocation).
 * A port written as anything else (a number, text around the variable) is left alone.
 */
export function findUnsetPortVariables(
  flowYaml: string,
  environment: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const block = readGatewayBlock(flowYaml);
  const names = toList(block.port ?? block.port_expose).flatMap((value) => {
    const match = typeof value === 'string' ? wholeVariable.exec(value.trim()) : null;
    const name = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
    return name !== undefined && environment[name] === undefined && !env[name] ? [name] : [];
  });
  return [...new Set(names)];
}

const wholeVariable = /^(?:\$\{\{\s*(?:ENV\.)?(\w+)\s*\}\}|\$\{(\w+)\}|\$(\w+))$/;

function readGatewayBlock(flowYaml: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = load(flowYaml, { schema: flowSchema });
  } catch (error) {
    throw flowYamlError(`Flow YAML does not parse: ${(error as Error).message.split('\n')[0]}`);
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
  const protocol = protocolNames[String(value).toLowerCase()];
  if (!protocol) {
    throw flowYamlError(`Flow YAML gateway protocol ${JSON.stringify(value)} is not one of grpc, http, websocket`);
  }
  return protocol;
}

function substituteEnvironment(value: unknown, variables: Record<string, string | undefined>): unknown {
  if (Array.isArray(value)) return value.map((item) => substituteEnvironment(item, variables));
  if (typeof value !== 'string') return value;
  return value.replace(
    /\$\{\{\s*(?:ENV\.)?(\w+)\s*\}\}|\$\{(\w+)\}|\$(\w+)/g,
    (match, jinaName?: string, bracedName?: string, bareName?: string) =>
      variables[(jinaName ?? bracedName ?? bareName) as string] ?? match,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
