import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';
import { StressError } from '../errors.ts';
import type { DaemonAddress } from './addresses.ts';
import { parseFlowYaml } from './flow-yaml-document.ts';
import { renderTemplateText, type TemplateView } from './mustache-template.ts';

/** The agent's default port, as JinaD's: where the agent on a placed executor's host is found. */
export const DEFAULT_AGENT_PORT = 8000;

/** Hosts that mean "this machine" in the seed's Flows (`host: {{ X_HOST }}` left empty renders ''). */
const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '0.0.0.0', '::1', '::']);

/**
 * One executor of a Flow that runs on another host (issue 13), started there by that host's
 * agent (`POST /executors`, one per shard) before the gateway Flow starts on the main agent.
 */
export interface PlacedExecutor {
  name: string;
  /** The agent that runs it: `hosts:` of the job, else the Flow's `host:` on the agent's default port. */
  agent: DaemonAddress;
  /** The Flow's `port:` (shard i gets port + i); absent: the remote agent picks. */
  port?: number;
  /** A class name (an executor YAML named by `uses:` is read for its `jtype` and `with`). */
  uses: string;
  usesWith: Record<string, unknown>;
  pyModules: string[];
  shards: number;
  /** The Flow's `replicas` (per shard): started only behind a head (sharded, `process` runtime). */
  replicas: number;
  /** The Flow's `polling` for a sharded one: the head's on the `process` runtime. */
  polling?: string | Record<string, string>;
}

export interface PlacementOptions {
  /** For messages. */
  source: string;
  /** The job's `hosts:`: executor name → agent. */
  hosts: Readonly<Record<string, DaemonAddress>>;
  /** The main agent's host: an executor placed there runs in the gateway's Flow. */
  mainHost: string;
  /** The job's token, for agents found through a Flow's `host:`. */
  token?: string;
  /** Folders where `uses: exec.yml` is looked for, and what it is rendered with. */
  searchDirs: readonly string[];
  view: TemplateView;
}

interface FlowEntry {
  path: string;
  entry: Record<string, unknown>;
  name: string;
}

/** The executors (or 1.x pods) of a Flow text, with the name Jina gives each. */
function flowEntries(document: Record<string, unknown>): FlowEntry[] {
  const key = document.pods !== undefined ? 'pods' : 'executors';
  const value = document[key];
  if (Array.isArray(value)) {
    return value.flatMap((entry, index) =>
      isRecord(entry) ? [{ path: `${key}[${index}]`, entry, name: typeof entry.name === 'string' ? entry.name : `executor${index}` }] : [],
    );
  }
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([name, entry]) => (isRecord(entry) ? [{ path: `${key}.${name}`, entry, name: typeof entry.name === 'string' ? entry.name : name }] : []));
  }
  return [];
}

function parseFlowDocument(text: string, source: string): Record<string, unknown> {
  const document = parseFlowYaml(text, source);
  if (!isRecord(document)) throw new StressError('FLOW_YAML', `${source}: expected a Flow mapping with executors:`);
  return document;
}

/** Names of the executors of a (rendered) Flow text: what the job's `hosts:` may name. */
export function flowExecutorNames(text: string, source: string): string[] {
  return flowEntries(parseFlowDocument(text, source)).map((entry) => entry.name);
}

/**
 * The executors of a rendered Flow that run on another host: named in `hosts:`, or with a
 * `host:` that is not this machine nor the main agent's (the seed's style). `external: true`
 * executors are not placed: they already run, and the gateway only connects to them.
 */
export function readFlowPlacements(text: string, options: PlacementOptions): PlacedExecutor[] {
  const placed: PlacedExecutor[] = [];
  for (const { path: at, entry, name } of flowEntries(parseFlowDocument(text, options.source))) {
    if (entry.external === true) continue;
    const agent = options.hosts[name] ?? agentOfFlowHost(entry.host, options);
    if (!agent) continue;
    const uses = resolveUses(entry.uses, `${options.source} ${at}.uses`, options);
    const shards = Number(entry.shards ?? entry.parallel ?? 1);
    const replicas = Number(entry.replicas ?? 1);
    placed.push({
      name,
      agent,
      ...(typeof entry.port === 'number' ? { port: entry.port } : {}),
      uses: uses.className,
      usesWith: { ...uses.usesWith, ...(isRecord(entry.uses_with) ? entry.uses_with : {}) },
      pyModules: Array.isArray(entry.py_modules) ? entry.py_modules.map(String) : typeof entry.py_modules === 'string' ? [entry.py_modules] : [],
      shards: Number.isInteger(shards) && shards > 0 ? shards : 1,
      replicas: Number.isInteger(replicas) && replicas > 0 ? replicas : 1,
      ...(readPolling(entry.polling) ?? {}),
    });
  }
  return placed;
}

function readPolling(value: unknown): { polling: string | Record<string, string> } | undefined {
  if (typeof value === 'string') return { polling: value };
  if (isRecord(value)) return { polling: Object.fromEntries(Object.entries(value).map(([endpoint, mode]) => [endpoint, String(mode)])) };
  return undefined;
}

function agentOfFlowHost(host: unknown, options: PlacementOptions): DaemonAddress | undefined {
  if (typeof host !== 'string') return undefined;
  const address = host.trim().replace(/^grpc:\/\//, '');
  if (LOCAL_HOSTS.has(address) || address === options.mainHost) return undefined;
  return { host: address, port: DEFAULT_AGENT_PORT, ...(options.token ? { token: options.token } : {}) };
}

/** `uses: exec.yml` (the seed's pods) → its class and `with`; a class name as it is. */
function resolveUses(value: unknown, where: string, options: PlacementOptions): { className: string; usesWith: Record<string, unknown> } {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StressError('FLOW_YAML', `${where}: an executor placed on another host needs uses: <class> or an executor YAML file`);
  }
  if (!/\.ya?ml$/i.test(value)) return { className: value.trim(), usesWith: {} };
  const file = options.searchDirs.map((dir) => path.resolve(dir, value)).find((candidate) => existsSync(candidate));
  if (!file) throw new StressError('FLOW_YAML', `${where}: executor file ${value} not found next to the Flow (${options.searchDirs.join(', ')})`);
  const document = parseFlowDocument(renderTemplateText(readFileSync(file, 'utf8'), options.view), file);
  if (typeof document.jtype !== 'string') throw new StressError('FLOW_YAML', `${file}: expected an executor class (jtype: Name or !Name)`);
  return { className: document.jtype, usesWith: isRecord(document.with) ? document.with : {} };
}

/**
 * Where the host agents started a placed executor: one address per shard (reference runtime),
 * or one for the whole sharded Deployment, its head (`process` runtime).
 */
export interface StartedPlacement {
  name: string;
  host: string;
  ports: number[];
  /** The head polls the shards: the gateway sees one executor, so no `shards`/`polling` of its own. */
  hasHead?: boolean;
}

/**
 * The Flow the main agent runs: each placed executor replaced by Jina 3's `external: true`
 * with its host and port (a list, one per shard, for a sharded one without a head), keeping how
 * the gateway wires it (`needs`, `polling`, `uses_after`, `timeout_send`). Everything else is as
 * written.
 */
export function rewriteFlowWithExternals(text: string, source: string, started: readonly StartedPlacement[]): string {
  const document = parseFlowDocument(text, source);
  const byName = new Map(started.map((placement) => [placement.name, placement]));
  const kept = ['name', 'needs', 'polling', 'uses_after', 'timeout_send', 'floating', 'uses_requests'];
  for (const { entry, name } of flowEntries(document)) {
    const placement = byName.get(name);
    if (!placement) continue;
    for (const key of Object.keys(entry)) if (!kept.includes(key)) delete entry[key];
    entry.name = name;
    entry.external = true;
    entry.host = placement.host;
    entry.port = placement.ports.length === 1 ? placement.ports[0] : placement.ports;
    if (placement.ports.length > 1) entry.shards = placement.ports.length;
    if (placement.hasHead) delete entry.polling;
  }
  return dump(document, { lineWidth: -1, noRefs: true });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
