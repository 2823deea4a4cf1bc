import { parseFlowYaml } from '../config/flow-yaml-document.ts';
import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import { toGatewayProtocol } from '../gateway/protocol-names.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import { FlowIssues, isPlainObject, joinPath } from './flow-issues.ts';
import type { FlowSpec, GatewayListener } from './flow-spec.ts';
import { readExecutorEntries } from './read-executor-entries.ts';

/** Environment variable choosing the gateway's docarray format when the YAML does not. */
export const DOCARRAY_ENVIRONMENT_VARIABLE = 'JINA_STRESS_DOCARRAY';

/**
 * docarray v2, because a fresh `pip install jina==3.34.0` pulls docarray ≥ 0.30 and so
 * serves the v2 wire format (facts §4).
 */
export const DEFAULT_DOCARRAY: DocarrayVersion = 'v2';

export interface ReadFlowOptions {
  /** The file path (or `<inline>`), for messages. */
  source: string;
  /** For `${{ ENV.X }}` and the docarray variable. */
  environment: Readonly<Record<string, string | undefined>>;
  /** Folders where `uses: exec.yml` is looked for, in order. */
  searchDirs: readonly string[];
}

const TOP_KEYS = ['jtype', 'version', 'with', 'gateway', 'executors', 'pods'] as const;
const GATEWAY_KEYS = ['protocol', 'port', 'port_expose', 'rest_api', 'restful', 'docarray'] as const;
/** Flow/gateway arguments with no effect on the simulation; accepted so real Flow files load. */
const IGNORED_GATEWAY_KEYS = [
  'name', 'host', 'read_only', 'prefetch', 'timeout_send', 'timeout_ready', 'retries', 'cors',
  'title', 'description', 'no_debug_endpoints', 'no_crud_endpoints', 'expose_endpoints',
  'expose_graphql_endpoint', 'env', 'log_config', 'quiet', 'monitoring', 'port_monitoring',
  'tracing', 'traces_exporter_host', 'traces_exporter_port', 'metrics', 'workspace', 'uses',
  'uses_with', 'compression', 'grpc_server_options', 'ssl_certfile', 'ssl_keyfile',
  'uvicorn_kwargs', 'proxy', 'reload', 'floating', 'stateful', 'py_modules', 'jtype', 'version',
] as const;

/**
 * Jina Flow YAML → FlowSpec. Reads the 3.x form (`jtype: Flow`, `with: {protocol, port}`,
 * a `gateway:` block, `executors:`) and the seed's 1.x form (`!Flow`, `pods:` as a list or
 * a map, `with: {port_expose, rest_api}`). `rest_api: true` selects WebSocket: the 1.x
 * REST gateway served HTTP and WebSocket on one port and the seed drove it with its
 * WebSocket client; `false` selects gRPC. Every problem is reported in one FLOW_YAML error.
 */
export function readFlowYaml(text: string, options: ReadFlowOptions): FlowSpec {
  return readFlowYamlExpanded(text, options).spec;
}

/** As readFlowYaml, with the variables it filled in (name → value), to keep them out of later errors. */
export function readFlowYamlExpanded(text: string, options: ReadFlowOptions): { spec: FlowSpec; substituted: Map<string, string> } {
  const issues = new FlowIssues(options.source);
  const parsed = parseFlowYaml(text, options.source);
  if (!isPlainObject(parsed)) {
    issues.add('(top)', 'expected a mapping with `jtype: Flow` and `executors:`');
    issues.throwIfAny();
  }
  const document = issues.expand(parsed, options.environment) as Record<string, unknown>;
  issues.checkKeys(document, '', TOP_KEYS);
  if (document.jtype !== undefined && document.jtype !== 'Flow') {
    issues.add('jtype', `expected Flow, got ${JSON.stringify(document.jtype)}`);
  }
  if (document.executors !== undefined && document.pods !== undefined) {
    issues.add('pods', 'a Flow has either `executors:` (3.x) or `pods:` (1.x), not both');
  }
  const withBlock = issues.readObject(document.with, 'with');
  const gatewayBlock = issues.readObject(document.gateway, 'gateway');
  issues.checkKeys(withBlock, 'with', GATEWAY_KEYS, IGNORED_GATEWAY_KEYS);
  issues.checkKeys(gatewayBlock, 'gateway', GATEWAY_KEYS, IGNORED_GATEWAY_KEYS);
  const gateway = { ...withBlock, ...gatewayBlock };
  const source = document.gateway === undefined ? 'with' : 'gateway';

  const executorsKey = document.pods !== undefined ? 'pods' : 'executors';
  const executors = readExecutorEntries(document[executorsKey], executorsKey, {
    issues,
    environment: options.environment,
    searchDirs: options.searchDirs,
  });
  const spec: FlowSpec = {
    source: options.source,
    gateways: readListeners(gateway, source, issues),
    docarray: readDocarray(gateway.docarray, options.environment, joinPath(source, 'docarray'), issues),
    executors,
  };
  issues.throwIfAny();
  return { spec, substituted: issues.substituted };
}

function readListeners(gateway: Record<string, unknown>, path: string, issues: FlowIssues): GatewayListener[] {
  let protocols: GatewayProtocol[];
  if (gateway.protocol !== undefined) {
    protocols = issues.readStringList(gateway.protocol, joinPath(path, 'protocol')).flatMap((name) => {
      const protocol = toGatewayProtocol(name);
      if (!protocol) issues.add(joinPath(path, 'protocol'), `unknown protocol "${name}"; allowed: grpc, http, websocket`);
      return protocol ? [protocol] : [];
    });
  } else if (gateway.rest_api !== undefined || gateway.restful !== undefined) {
    protocols = [isTrue(gateway.rest_api ?? gateway.restful) ? 'websocket' : 'grpc'];
  } else {
    protocols = ['grpc'];
  }
  const portPath = joinPath(path, gateway.port === undefined ? 'port_expose' : 'port');
  const rawPorts = gateway.port ?? gateway.port_expose;
  const ports = (rawPorts === undefined ? [] : Array.isArray(rawPorts) ? rawPorts : [rawPorts]).map((port, index) =>
    issues.readInteger(port, Array.isArray(rawPorts) ? `${portPath}[${index}]` : portPath, 0, 0),
  );
  if (ports.length > 0 && ports.length !== protocols.length) {
    issues.add(portPath, `${ports.length} port(s) for ${protocols.length} protocol(s) (${protocols.join(', ')}); give one port per protocol`);
  }
  return protocols.map((protocol, index) => ({ protocol, port: ports[index] ?? 0 }));
}

function readDocarray(
  value: unknown,
  environment: Readonly<Record<string, string | undefined>>,
  path: string,
  issues: FlowIssues,
): DocarrayVersion {
  const fromEnvironment = environment[DOCARRAY_ENVIRONMENT_VARIABLE];
  const raw = value ?? (fromEnvironment === '' ? undefined : fromEnvironment);
  if (raw === undefined || raw === null) return DEFAULT_DOCARRAY;
  if (raw === 'v1' || raw === 'v2') return raw;
  const where = value === undefined ? `environment ${DOCARRAY_ENVIRONMENT_VARIABLE}` : path;
  issues.add(where, `expected v1 or v2, got ${JSON.stringify(raw)}`);
  return DEFAULT_DOCARRAY;
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}
