import { z } from 'zod';

/**
 * The agent's host-metrics windows on the wire (`/metrics/windows`, not in JinaD): the agent
 * writes these shapes (snake_case, as the rest of its API), the daemon client reads them back
 * into the camelCase values below, checking every field with the zod schemas here: an agent is
 * another machine.
 */

export const processRoles = ['agent', 'gateway', 'executor', 'head', 'flow', 'process'] as const;
/**
 * What a sampled process (tree) is: `executor`, `head` (a sharded executor's head), `gateway`,
 * `flow` (the `jina flow` orchestrator), `process` (a child Jina did not name, reported by
 * pid), or `agent` (the agent's own process, where the reference runtime serves `serves`).
 */
export type ProcessRole = (typeof processRoles)[number];

/**
 * Which process (tree) a row is about: the same fields on the wire, in the samples the daemon
 * client reads and in the step's report (`ProcessMetrics`, src/load/host-metrics.ts). All
 * one-word names, so snake_case and camelCase agree.
 */
export interface ProcessIdentity {
  /** Stable across samples: `<flow id>/<name>`, or `agent`. */
  key: string;
  role: ProcessRole;
  /** As Jina names the pod (`indexer/shard-1/rep-0`), `jina flow`, `pid N` or `agent process`. */
  name: string;
  executor?: string;
  shard?: number;
  replica?: number;
  /** The agent's own process: what it serves (`gateway`, executor names). */
  serves?: string[];
  /** Process ids of the tree when sampled. */
  pids: number[];
}

// z.number() refuses NaN and ±Infinity (zod 4): a count or a share from another machine is finite.
const processIdentitySchema = z.object({
  key: z.string(),
  role: z.enum(processRoles),
  name: z.string(),
  executor: z.string().optional(),
  shard: z.number().optional(),
  replica: z.number().optional(),
  serves: z.array(z.string()).optional(),
  pids: z.array(z.number()),
}) satisfies z.ZodType<ProcessIdentity>;

const processSampleWireSchema = processIdentitySchema.extend({
  flow_id: z.string().optional(),
  cpu_cores: z.number(),
  rss_bytes: z.number(),
});

const hostSampleWireSchema = z.object({
  seq: z.number(),
  at_ms: z.number(),
  interval_ms: z.number(),
  host: z.object({ cpu_cores: z.number().optional(), memory_used_bytes: z.number(), memory_total_bytes: z.number() }),
  processes: z.array(processSampleWireSchema),
});

const metricsWindowStartWireSchema = z.object({
  window_id: z.string(),
  interval_ms: z.number(),
  now_ms: z.number(),
  expires_at: z.string(),
  // An agent without a boot id (not Linux) sends none; anything else there is ignored as well.
  agent: z.object({ pid: z.number(), boot_id: z.string().optional().catch(undefined), cores: z.number(), memory_total_bytes: z.number() }),
});

const metricsWindowReadWireSchema = z.object({
  window_id: z.string(),
  state: z.enum(['sampling', 'stopped', 'expired']),
  /** Samples dropped because the window holds at most its capacity unread. */
  dropped: z.number(),
  samples: z.array(hostSampleWireSchema),
});

export type ProcessSampleWire = z.infer<typeof processSampleWireSchema>;
export type HostSampleWire = z.infer<typeof hostSampleWireSchema>;
export type MetricsWindowStartWire = z.infer<typeof metricsWindowStartWireSchema>;
export type MetricsWindowReadWire = z.infer<typeof metricsWindowReadWireSchema>;

/** One process (tree) in one second: CPU in cores (1 = one core busy the whole interval). */
export interface ProcessSample extends ProcessIdentity {
  flowId?: string;
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

/** Parses a start answer; undefined when it is not one. */
export function parseMetricsWindowStart(body: unknown): MetricsWindowStart | undefined {
  // The client does not use `expires_at` (it reads the window before then), so it is not required.
  const parsed = metricsWindowStartWireSchema.omit({ expires_at: true }).safeParse(body);
  if (!parsed.success) return undefined;
  const { window_id: windowId, interval_ms: intervalMs, now_ms: agentNowMs, agent } = parsed.data;
  const { pid, boot_id: bootId, cores, memory_total_bytes: memoryTotalBytes } = agent;
  return { windowId, intervalMs, agentNowMs, agent: { pid, ...(bootId !== undefined ? { bootId } : {}), cores, memoryTotalBytes } };
}

/** Parses a read (or stop) answer; undefined when it is not one. A malformed sample fails it all. */
export function parseMetricsWindowRead(body: unknown): MetricsWindowRead | undefined {
  // The client knows which window it asked about: `window_id` is not required.
  const parsed = metricsWindowReadWireSchema.omit({ window_id: true }).safeParse(body);
  if (!parsed.success) return undefined;
  const { state, dropped, samples } = parsed.data;
  return { state, dropped, samples: samples.map(hostSampleFromWire) };
}

function hostSampleFromWire(wire: HostSampleWire): HostSample {
  const { seq, at_ms: atMs, interval_ms: intervalMs, host, processes } = wire;
  const { cpu_cores: hostCpuCores, memory_used_bytes: memoryUsedBytes, memory_total_bytes: memoryTotalBytes } = host;
  return {
    seq,
    atMs,
    intervalMs,
    ...(hostCpuCores !== undefined ? { hostCpuCores } : {}),
    memoryUsedBytes,
    memoryTotalBytes,
    processes: processes.map(({ flow_id: flowId, cpu_cores: cpuCores, rss_bytes: rssBytes, ...identity }) => ({
      ...identity,
      ...(flowId !== undefined ? { flowId } : {}),
      cpuCores,
      rssBytes,
    })),
  };
}
