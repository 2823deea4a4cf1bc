import type { ProcessIdentity } from '../daemon/agent-metrics.ts';

export type { ProcessIdentity, ProcessRole } from '../daemon/agent-metrics.ts';

/**
 * The hosts' side of a load phase (`LoadResult.hostMetrics`): what each agent sampled once a
 * second while the phase ran — CPU (user + system, in cores: 1 = one core busy the whole
 * second) and resident memory of every process tree of the Flow it started, and the host's
 * totals. Plain JSON, read by the stats table, the charts, the CSV and (issue 16) the capacity
 * search, which names the binding resource from it without parsing anything.
 *
 * Seconds count from the phase's start as in `series`; a sample belongs to the second its
 * interval's middle falls in (agents' clocks are aligned through the round trip that opened
 * the window, so hosts need no NTP).
 */
export type HostMetrics =
  | {
      /** No agent could sample: a JinaD, or the daemon failed. `reason` says which. */
      status: 'unavailable';
      reason: string;
    }
  | {
      status: 'sampled';
      /** One per agent asked, in the order asked (the job's daemon first). */
      agents: AgentHostMetrics[];
      /** Every process (tree) sampled, across agents, busiest (mean CPU) first. */
      processes: ProcessMetrics[];
      /**
       * Per executor (its replicas, shards and head added up each second), the gateway, and
       * the agent's own process where it runs several of them (reference runtime). Busiest first.
       */
      executors: ExecutorResources[];
      /** The process with the highest mean CPU. */
      busiest?: BusiestProcess;
      /** What a reader must know: shared processes, samples missing, agents that could not sample. */
      notes: string[];
    };

export type AgentHostMetrics =
  | {
      status: 'sampled';
      /** The agent's address as the job reached it (`host:port`). */
      agent: string;
      cores: number;
      memoryTotalBytes: number;
      /**
       * The agent runs in this generator's own process (the embedded agent): its process row
       * includes the load generator's CPU and memory.
       */
      isGeneratorProcess: boolean;
      seconds: HostSecond[];
      meanCpuCores?: number;
      peakCpuCores?: number;
      peakMemoryUsedBytes: number;
      /** Samples the agent dropped (more than it keeps unread); 0 normally. */
      droppedSamples: number;
    }
  | { status: 'unavailable'; agent: string; reason: string };

export interface HostSecond {
  second: number;
  /** Busy cores of the whole host; absent where the agent cannot read them. */
  cpuCores?: number;
  /** MemTotal - MemAvailable. */
  memoryUsedBytes: number;
}

/** A process (tree) of the phase: who it is (as the agent sent it) and what it used each second. */
export interface ProcessMetrics extends ProcessIdentity {
  agent: string;
  seconds: ProcessSecond[];
  meanCpuCores: number;
  peakCpuCores: number;
  peakRssBytes: number;
  /** The load generator runs in this process too (the embedded agent). */
  includesGenerator?: boolean;
}

export interface ProcessSecond {
  second: number;
  cpuCores: number;
  rssBytes: number;
}

export interface ExecutorResources {
  /** The executor's name, `gateway`, or `agent process (gateway, encoder, …)`. */
  name: string;
  agents: string[];
  /** Processes added up (replicas × shards, plus the head). */
  processes: number;
  /** Highest one-second sum over its processes, in cores. */
  peakCpuCores: number;
  meanCpuCores: number;
  /** Highest one-second sum of resident memory over its processes. */
  peakRssBytes: number;
  includesGenerator?: boolean;
}

export type BusiestProcess = Pick<ProcessMetrics, 'agent' | 'key' | 'name' | 'role' | 'executor' | 'meanCpuCores' | 'peakCpuCores' | 'includesGenerator'> & {
  /** Its host's cores: `meanCpuCores / hostCores` is the share of that host it used. */
  hostCores?: number;
};

/** Mean and peak of per-second values; undefined for none. */
export function meanAndPeak(values: readonly number[]): { mean: number; peak: number } | undefined {
  if (values.length === 0) return undefined;
  return { mean: values.reduce((sum, value) => sum + value, 0) / values.length, peak: Math.max(...values) };
}

/**
 * Per-executor resources from the process rows: an executor's processes added up each second;
 * the gateway likewise; an agent process serving one executor only counts as that executor.
 */
export function summarizeExecutorResources(processes: readonly ProcessMetrics[]): ExecutorResources[] {
  const groups = new Map<string, ProcessMetrics[]>();
  for (const process of processes) {
    const name = resourceNameOf(process);
    if (name === undefined) continue;
    groups.set(name, [...(groups.get(name) ?? []), process]);
  }
  const resources: ExecutorResources[] = [];
  for (const [name, members] of groups) {
    const cpuBySecond = new Map<number, number>();
    const rssBySecond = new Map<number, number>();
    for (const member of members) {
      for (const second of member.seconds) {
        cpuBySecond.set(second.second, (cpuBySecond.get(second.second) ?? 0) + second.cpuCores);
        rssBySecond.set(second.second, (rssBySecond.get(second.second) ?? 0) + second.rssBytes);
      }
    }
    const cpu = meanAndPeak([...cpuBySecond.values()]);
    resources.push({
      name,
      agents: [...new Set(members.map((member) => member.agent))],
      processes: members.reduce((sum, member) => sum + member.pids.length, 0),
      peakCpuCores: cpu?.peak ?? 0,
      meanCpuCores: cpu?.mean ?? 0,
      peakRssBytes: Math.max(0, ...rssBySecond.values()),
      ...(members.some((member) => member.includesGenerator) ? { includesGenerator: true } : {}),
    });
  }
  return resources.sort((a, b) => b.meanCpuCores - a.meanCpuCores);
}

function resourceNameOf(process: ProcessMetrics): string | undefined {
  if (process.role === 'executor' || process.role === 'head') return process.executor ?? process.name;
  if (process.role === 'gateway') return 'gateway';
  if (process.role === 'agent') {
    const serves = process.serves ?? [];
    if (serves.length === 1) return serves[0];
    return `agent process (${serves.join(', ')})`;
  }
  return undefined;
}
