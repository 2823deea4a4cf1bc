import type { JsonObject } from '../protocol/json-value.ts';
import { executorTable, isKnownExecutor } from './executors/executor-table.ts';
import { FlowIssues, isPlainObject, joinPath } from './flow-issues.ts';
import { GATEWAY_NODE, type ExecutorSpec, type PollingMode, type PollingSpec } from './flow-spec.ts';
import { resolveUses, type UsesContext } from './resolve-uses.ts';

const EXECUTOR_KEYS = [
  'name', 'uses', 'uses_with', 'uses_metas', 'uses_requests', 'uses_after', 'needs',
  'shards', 'parallel', 'replicas', 'polling', 'workspace', 'floating',
] as const;

/**
 * Jina arguments that change nothing in an in-process simulation (where a pod runs, how it
 * is started, timeouts, Docker and Kubernetes options); accepted so real Flow files load.
 * `host`/`port` of remote pods are ignored unless `external: true`: then the executor runs
 * elsewhere and the gateway calls it over Jina's executor gRPC protocol.
 */
const IGNORED_EXECUTOR_KEYS = [
  'host', 'port', 'port_expose', 'port_in', 'port_out', 'external', 'tls', 'py_modules',
  'install_requirements', 'env', 'env_from_secret', 'timeout_ready', 'timeout_send', 'timeout_ctrl',
  'read_only', 'scheduling', 'method', 'volumes', 'docker_kwargs', 'gpus', 'grpc_metadata',
  'retries', 'quiet', 'quiet_error', 'log_config', 'monitoring', 'port_monitoring', 'tracing',
  'output_array_type', 'exit_on_exceptions', 'no_reduce', 'disable_reduce',
  'uses_dynamic_batching', 'entrypoint', 'upload_files', 'force_update', 'description',
  'reload', 'prefer_platform', 'grpc_server_options', 'grpc_channel_options', 'pea_role',
] as const;

/** Our own executors reject unknown `uses_with` keys; foreign class names keep the real class's. */
const STRICT_CLASSES = new Set(['ReferenceEncoder', 'ReferenceIndexer', 'KeyValueIndexer', 'MatchRanker', 'FaultExecutor', 'PassThrough']);

/** `executors:` (3.x list) or `pods:` (1.x list or name → entry map) → specs, in order. */
export function readExecutorEntries(value: unknown, key: string, context: UsesContext): ExecutorSpec[] {
  const { issues } = context;
  if (value === undefined || value === null) return [];
  let entries: Array<[string, unknown, string | undefined]>;
  if (Array.isArray(value)) entries = value.map((entry, index) => [joinPath(key, index), entry, undefined]);
  else if (isPlainObject(value)) entries = Object.entries(value).map(([name, entry]) => [joinPath(key, name), entry, name]);
  else {
    issues.add(key, 'expected a list of executors');
    return [];
  }
  const specs: ExecutorSpec[] = [];
  const paths = new Map<string, string>();
  entries.forEach(([path, entry, mapName], index) => {
    if (!isPlainObject(entry)) {
      issues.add(path, `expected a mapping with name/uses, got ${JSON.stringify(entry)}`);
      return;
    }
    issues.checkKeys(entry, path, EXECUTOR_KEYS, IGNORED_EXECUTOR_KEYS);
    // Jina names unnamed executors executor0, executor1, ... by position.
    const name = issues.readString(entry.name, joinPath(path, 'name')) ?? mapName ?? `executor${index}`;
    specs.push(readEntry(entry, path, name, specs, context));
    paths.set(name, path);
  });
  checkGraph(specs, key, paths, issues);
  return specs;
}

function readEntry(entry: Record<string, unknown>, path: string, name: string, before: readonly ExecutorSpec[], context: UsesContext): ExecutorSpec {
  const { issues } = context;
  const uses = resolveUses(entry.uses, joinPath(path, 'uses'), context);
  const flowUsesWith = issues.readObject(entry.uses_with, joinPath(path, 'uses_with')) as JsonObject;
  if (STRICT_CLASSES.has(uses.className) && isKnownExecutor(uses.className)) {
    const options = Object.keys(executorTable[uses.className].options);
    issues.checkKeys({ ...uses.usesWith, ...flowUsesWith }, joinPath(path, 'uses_with'), options);
  }
  const metas = { ...uses.metas, ...(issues.readObject(entry.uses_metas, joinPath(path, 'uses_metas')) as JsonObject) };
  const workspace = issues.readString(entry.workspace, joinPath(path, 'workspace'));
  if (workspace !== undefined && metas.workspace === undefined) metas.workspace = workspace;
  const usesWith: JsonObject = { ...uses.usesWith, ...flowUsesWith };

  const previous = before[before.length - 1]?.name ?? GATEWAY_NODE;
  const needs = entry.needs === undefined ? [previous] : issues.readStringList(entry.needs, joinPath(path, 'needs'));
  const spec: ExecutorSpec = {
    name,
    uses: uses.className,
    usesWith,
    metas,
    needs,
    shards: issues.readInteger(entry.shards ?? entry.parallel, joinPath(path, entry.shards === undefined ? 'parallel' : 'shards'), 1, 1),
    replicas: issues.readInteger(entry.replicas, joinPath(path, 'replicas'), 1, 1),
    polling: readPolling(entry.polling, joinPath(path, 'polling'), issues),
    floating: entry.floating === true,
  };
  const endpoints = readUsesRequests(entry.uses_requests, joinPath(path, 'uses_requests'), issues);
  if (endpoints) spec.endpoints = endpoints;
  if (entry.external === true) {
    // One address per shard (`shards: N` with lists of N hosts/ports, or one host for all):
    // how start_flow wires a sharded executor placed on another host (issue 13).
    const hosts = Array.isArray(entry.host) ? entry.host : [entry.host];
    const ports = Array.isArray(entry.port) ? entry.port : [entry.port];
    const count = Math.max(hosts.length, ports.length);
    const addresses = Array.from({ length: count }, (_, index) => {
      const hostPath = Array.isArray(entry.host) ? joinPath(joinPath(path, 'host'), index) : joinPath(path, 'host');
      const portPath = Array.isArray(entry.port) ? joinPath(joinPath(path, 'port'), index) : joinPath(path, 'port');
      const host = issues.readString(hosts.length === 1 ? hosts[0] : hosts[index], hostPath);
      const port = issues.readInteger(ports.length === 1 ? ports[0] : ports[index], portPath, 0, 1);
      return host === undefined ? undefined : { host, port };
    });
    if (entry.host === undefined) issues.add(joinPath(path, 'host'), 'an external executor needs the host it runs on');
    if (entry.port === undefined) issues.add(joinPath(path, 'port'), 'an external executor needs the port it listens on');
    if (spec.replicas !== 1) issues.add(path, 'an external executor is one address per shard: give replicas as separate external executors');
    if (count > 1 && count !== spec.shards) issues.add(path, `${count} addresses for ${spec.shards} shard(s): give one host/port per shard`);
    if (count === 1 && spec.shards !== 1) issues.add(path, `an external executor with ${spec.shards} shards needs one port per shard (port: [p0, p1, ...])`);
    const timeoutSend = entry.timeout_send === undefined ? undefined : issues.readInteger(entry.timeout_send, joinPath(path, 'timeout_send'), 0, 1);
    const [first, ...more] = addresses;
    if (first && entry.port !== undefined && addresses.every((address) => address !== undefined)) {
      spec.external = { ...first, ...(timeoutSend ? { timeoutSendMs: timeoutSend } : {}), ...(more.length > 0 ? { shards: addresses as Array<{ host: string; port: number }> } : {}) };
    }
  }
  if (entry.uses_after !== undefined) {
    const after = resolveUses(entry.uses_after, joinPath(path, 'uses_after'), context);
    spec.usesAfter = { uses: after.className, usesWith: after.usesWith };
  }
  return spec;
}

/** Jina's `uses_requests: {'/endpoint': method}` rebinds endpoints; here only the keys matter. */
function readUsesRequests(value: unknown, path: string, issues: FlowIssues): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (isPlainObject(value)) return Object.keys(value);
  issues.add(path, "expected a mapping of endpoint → method, e.g. {'/search': search}");
  return undefined;
}

function readPolling(value: unknown, path: string, issues: FlowIssues): PollingSpec {
  const mode = (raw: unknown, where: string): PollingMode | undefined => {
    const text = typeof raw === 'string' ? raw.toLowerCase() : raw;
    if (text === 'any' || text === 'all') return text;
    issues.add(where, `expected ANY or ALL, got ${JSON.stringify(raw)}`);
    return undefined;
  };
  if (value === undefined || value === null) return { byEndpoint: {} };
  if (isPlainObject(value)) {
    const byEndpoint: Record<string, PollingMode> = {};
    for (const [endpoint, raw] of Object.entries(value)) {
      const parsed = mode(raw, joinPath(path, endpoint));
      if (parsed) byEndpoint[endpoint] = parsed;
    }
    return { byEndpoint };
  }
  const parsed = mode(value, path);
  return { byEndpoint: parsed ? { '*': parsed } : {} };
}

function checkGraph(specs: readonly ExecutorSpec[], key: string, paths: ReadonlyMap<string, string>, issues: FlowIssues): void {
  const names = new Set<string>();
  for (const spec of specs) {
    if (spec.name === GATEWAY_NODE) issues.add(key, `"${GATEWAY_NODE}" is reserved for the gateway; rename the executor`);
    if (names.has(spec.name)) issues.add(key, `two executors are named "${spec.name}"`);
    names.add(spec.name);
  }
  for (const spec of specs) {
    const path = joinPath(paths.get(spec.name) ?? key, 'needs');
    for (const need of spec.needs) {
      if (need === spec.name) issues.add(path, 'an executor cannot need itself');
      else if (need !== GATEWAY_NODE && !names.has(need)) {
        issues.add(path, `"${need}" is not an executor of this Flow; known: ${[GATEWAY_NODE, ...names].join(', ')}`);
      }
    }
  }
  const cycle = findCycle(specs);
  if (cycle) issues.add(key, `needs form a cycle: ${cycle.join(' → ')}`);
}

function findCycle(specs: readonly ExecutorSpec[]): string[] | undefined {
  const needsOf = new Map<string, readonly string[]>();
  for (const spec of specs) if (!needsOf.has(spec.name)) needsOf.set(spec.name, spec.needs);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done' || !needsOf.has(name)) return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const need of needsOf.get(name) ?? []) {
      const found = visit(need);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const spec of specs) {
    const found = visit(spec.name);
    if (found) return found;
  }
  return undefined;
}
