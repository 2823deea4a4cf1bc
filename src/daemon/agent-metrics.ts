/**
 * The agent's host-metrics windows on the wire (`/metrics/windows`, not in JinaD): the agent
 * writes these shapes (snake_case, as the rest of its API), the daemon client reads them back
 * into the camelCase values below, checking every field: an agent is another machine.
 */

/** Who a sampled process (tree) is. `agent`: the agent's own process (reference runtime). */
export type ProcessRole = 'agent' | 'gateway' | 'executor' | 'head' | 'flow' | 'process';

export interface ProcessSampleWire {
  key: string;
  flow_id?: string;
  role: ProcessRole;
  name: string;
  executor?: string;
  shard?: number;
  replica?: number;
  serves?: string[];
  pids: number[];
  cpu_cores: number;
  rss_bytes: number;
}

export interface HostSampleWire {
  seq: number;
  at_ms: number;
  interval_ms: number;
  host: { cpu_cores?: number; memory_used_bytes: number; memory_total_bytes: number };
  processes: ProcessSampleWire[];
}

export interface MetricsWindowStartWire {
  window_id: string;
  interval_ms: number;
  now_ms: number;
  expires_at: string;
  agent: { pid: number; boot_id?: string; cores: number; memory_total_bytes: number };
}

export interface MetricsWindowReadWire {
  window_id: string;
  state: 'sampling' | 'stopped' | 'expired';
  /** Samples dropped because the window holds at most its capacity unread. */
  dropped: number;
  samples: HostSampleWire[];
}

/** One process (tree) in one second: CPU in cores (1 = one core busy the whole interval). */
export interface ProcessSample {
  key: string;
  flowId?: string;
  role: ProcessRole;
  name: string;
  executor?: string;
  shard?: number;
  replica?: number;
  /** The agent's own process: what it serves (`gateway`, executor names). */
  serves?: string[];
  pids: number[];
  cpuCores: number;
  rssBytes: number;
}

export interface HostSample {
  seq: number;
  /** The agent's wall clock at the end of the interval (epoch ms). */
  atMs: number;
  intervalMs: number;
  /** Busy cores of the whole host; absent where the agent cannot read them. */
  hostCpuCores?: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  processes: ProcessSample[];
}

export interface MetricsWindowStart {
  windowId: string;
  intervalMs: number;
  /** The agent's clock when it answered: with the round trip, the offset to ours. */
  agentNowMs: number;
  agent: { pid: number; bootId?: string; cores: number; memoryTotalBytes: number };
}

export interface MetricsWindowRead {
  state: MetricsWindowReadWire['state'];
  dropped: number;
  samples: HostSample[];
}

const roles = new Set<ProcessRole>(['agent', 'gateway', 'executor', 'head', 'flow', 'process']);

/** Parses a start answer; undefined when it is not one. */
export function parseMetricsWindowStart(body: unknown): MetricsWindowStart | undefined {
  if (!isRecord(body) || !isRecord(body.agent)) return undefined;
  const { window_id: windowId, interval_ms: intervalMs, now_ms: agentNowMs } = body;
  const { pid, boot_id: bootId, cores, memory_total_bytes: memoryTotalBytes } = body.agent;
  if (typeof windowId !== 'string' || !isNumber(intervalMs) || !isNumber(agentNowMs)) return undefined;
  if (!isNumber(pid) || !isNumber(cores) || !isNumber(memoryTotalBytes)) return undefined;
  return { windowId, intervalMs, agentNowMs, agent: { pid, ...(typeof bootId === 'string' ? { bootId } : {}), cores, memoryTotalBytes } };
}

/** Parses a read (or stop) answer; undefined when it is not one. A malformed sample fails it all. */
export function parseMetricsWindowRead(body: unknown): MetricsWindowRead | undefined {
  if (!isRecord(body) || !Array.isArray(body.samples) || !isNumber(body.dropped)) return undefined;
  if (body.state !== 'sampling' && body.state !== 'stopped' && body.state !== 'expired') return undefined;
  const samples: HostSample[] = [];
  for (const raw of body.samples) {
    const sample = parseHostSample(raw);
    if (!sample) return undefined;
    samples.push(sample);
  }
  return { state: body.state, dropped: body.dropped, samples };
}

function parseHostSample(raw: unknown): HostSample | undefined {
  if (!isRecord(raw) || !isRecord(raw.host) || !Array.isArray(raw.processes)) return undefined;
  const { seq, at_ms: atMs, interval_ms: intervalMs } = raw;
  const { cpu_cores: hostCpuCores, memory_used_bytes: memoryUsedBytes, memory_total_bytes: memoryTotalBytes } = raw.host;
  if (!isNumber(seq) || !isNumber(atMs) || !isNumber(intervalMs) || !isNumber(memoryUsedBytes) || !isNumber(memoryTotalBytes)) return undefined;
  if (hostCpuCores !== undefined && !isNumber(hostCpuCores)) return undefined;
  const processes: ProcessSample[] = [];
  for (const item of raw.processes) {
    const process = parseProcessSample(item);
    if (!process) return undefined;
    processes.push(process);
  }
  return { seq, atMs, intervalMs, ...(hostCpuCores !== undefined ? { hostCpuCores } : {}), memoryUsedBytes, memoryTotalBytes, processes };
}

function parseProcessSample(raw: unknown): ProcessSample | undefined {
  if (!isRecord(raw)) return undefined;
  const { key, flow_id: flowId, role, name, executor, shard, replica, serves, pids, cpu_cores: cpuCores, rss_bytes: rssBytes } = raw;
  if (typeof key !== 'string' || typeof name !== 'string' || !roles.has(role as ProcessRole)) return undefined;
  if (!isNumber(cpuCores) || !isNumber(rssBytes) || !Array.isArray(pids) || !pids.every(isNumber)) return undefined;
  if (flowId !== undefined && typeof flowId !== 'string') return undefined;
  if (executor !== undefined && typeof executor !== 'string') return undefined;
  if ((shard !== undefined && !isNumber(shard)) || (replica !== undefined && !isNumber(replica))) return undefined;
  if (serves !== undefined && !(Array.isArray(serves) && serves.every((item) => typeof item === 'string'))) return undefined;
  return {
    key,
    ...(flowId !== undefined ? { flowId } : {}),
    role: role as ProcessRole,
    name,
    ...(executor !== undefined ? { executor } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(replica !== undefined ? { replica } : {}),
    ...(serves !== undefined ? { serves: serves as string[] } : {}),
    pids: pids as number[],
    cpuCores,
    rssBytes,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
