import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { HostSampleWire, ProcessSampleWire } from '../daemon/agent-metrics.ts';
import type { MetricsSubject } from './flow-runtime.ts';
import { listeningPorts } from './listening-ports.ts';
import { readProcSnapshot, readResidentBytes, TICKS_PER_SECOND, type ProcEntry, type ProcSnapshot } from './proc-snapshot.ts';

// Read once: os.cpus() parses /proc/cpuinfo, too much for every tick.
const onlineCores = cpus().length;

export interface SampledFlow {
  id: string;
  subject: MetricsSubject;
}

/** A sample before it gets a window's sequence number. */
export type UnnumberedSample = Omit<HostSampleWire, 'seq'>;

interface Unit {
  row: Omit<ProcessSampleWire, 'cpu_cores' | 'rss_bytes'>;
  members: ProcEntry[];
}

/**
 * Turns two /proc snapshots into one sample: each process tree's CPU over the interval (in
 * cores: CPU seconds per elapsed second) and its resident memory now, plus the host's totals.
 * One scan of /proc per tick serves every Flow and every window.
 */
export class MetricsSampler {
  private previous: ProcSnapshot | undefined;
  private previousEpochMs = 0;
  private previousOwnCpu = process.cpuUsage();
  /** `pid:startTicks` → whether it listens on its Flow's gateway port (asked once per process). */
  private readonly isGatewayByPort = new Map<string, boolean>();

  /** Starts a new interval without producing a sample (the first tick of a window). */
  baseline(): void {
    this.previous = readProcSnapshot(performance.now());
    this.previousEpochMs = Date.now();
    this.previousOwnCpu = process.cpuUsage();
  }

  private listensOnGatewayPort(entry: ProcEntry, subject: MetricsSubject): boolean {
    if (subject.kind !== 'process-group' || !subject.gatewayPorts?.length) return false;
    const key = `${entry.pid}:${entry.startTicks}`;
    let known = this.isGatewayByPort.get(key);
    if (known === undefined) {
      if (this.isGatewayByPort.size > 4096) this.isGatewayByPort.clear();
      const ports = listeningPorts(entry.pid);
      known = subject.gatewayPorts.some((port) => ports.includes(port));
      this.isGatewayByPort.set(key, known);
    }
    return known;
  }

  sample(flows: readonly SampledFlow[]): UnnumberedSample | undefined {
    const previous = this.previous;
    const current = readProcSnapshot(performance.now());
    const ownCpu = process.cpuUsage();
    const elapsedMs = previous ? current.atMs - previous.atMs : 0;
    const ownCpuUs = ownCpu.user - this.previousOwnCpu.user + ownCpu.system - this.previousOwnCpu.system;
    this.previous = current;
    this.previousEpochMs = Date.now();
    this.previousOwnCpu = ownCpu;
    if (!previous || elapsedMs <= 0) return undefined;
    const elapsedS = elapsedMs / 1000;

    const processes: ProcessSampleWire[] = [];
    const inAgent = flows.filter((flow) => flow.subject.kind === 'in-agent');
    if (inAgent.length > 0) {
      processes.push({
        key: 'agent',
        role: 'agent',
        name: 'agent process',
        serves: [...new Set(inAgent.flatMap((flow) => (flow.subject.kind === 'in-agent' ? flow.subject.serves : [])))],
        pids: [process.pid],
        cpu_cores: ownCpuUs / 1e6 / elapsedS,
        rss_bytes: process.memoryUsage.rss(),
      });
    }
    const children = childrenOf(current.processes);
    for (const flow of flows) {
      if (flow.subject.kind !== 'process-group') continue;
      for (const unit of unitsOf(flow.id, flow.subject, current.processes, children, (entry) => this.listensOnGatewayPort(entry, flow.subject))) {
        const ticks = unit.members.reduce((sum, member) => sum + ticksSince(member, previous), 0);
        const rss = unit.members.reduce((sum, member) => sum + (readResidentBytes(member.pid) ?? 0), 0);
        processes.push({ ...unit.row, cpu_cores: ticks / TICKS_PER_SECOND / elapsedS, rss_bytes: rss });
      }
    }
    const hostCpu = hostCores(previous, current);
    return {
      at_ms: this.previousEpochMs,
      interval_ms: elapsedMs,
      host: {
        ...(hostCpu !== undefined ? { cpu_cores: hostCpu } : {}),
        memory_used_bytes: current.memory.totalBytes - current.memory.availableBytes,
        memory_total_bytes: current.memory.totalBytes,
      },
      processes,
    };
  }
}

function hostCores(previous: ProcSnapshot, current: ProcSnapshot): number | undefined {
  if (!previous.hostCpu || !current.hostCpu) return undefined;
  const total = current.hostCpu.totalTicks - previous.hostCpu.totalTicks;
  const busy = current.hostCpu.busyTicks - previous.hostCpu.busyTicks;
  return total > 0 ? (busy / total) * onlineCores : undefined;
}

/** CPU ticks a process used since the last snapshot; all of them when it is new (it started in between). */
function ticksSince(entry: ProcEntry, previous: ProcSnapshot): number {
  const before = previous.processes.get(entry.pid);
  if (before && before.startTicks === entry.startTicks) return Math.max(0, entry.cpuTicks - before.cpuTicks);
  return entry.cpuTicks;
}

function childrenOf(processes: Map<number, ProcEntry>): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of processes.values()) {
    const list = children.get(entry.ppid);
    if (list) list.push(entry.pid);
    else children.set(entry.ppid, [entry.pid]);
  }
  return children;
}

/**
 * The Flow's processes (its process group, and descendants that left it), grouped into units:
 * each pod Jina named in its log with everything below it, an unnamed child of the leader with
 * everything below it, and the leader itself (`jina flow`, the orchestrator; or the one
 * executor of `jina executor`).
 */
function unitsOf(
  flowId: string,
  subject: Extract<MetricsSubject, { kind: 'process-group' }>,
  processes: Map<number, ProcEntry>,
  children: Map<number, number[]>,
  isGateway: (entry: ProcEntry) => boolean,
): Unit[] {
  const members = new Map<number, ProcEntry>();
  for (const entry of processes.values()) if (entry.pgrp === subject.pgid) members.set(entry.pid, entry);
  const pending = [...members.keys()];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop() as number) ?? []) {
      const entry = processes.get(child);
      if (entry && !members.has(child)) {
        members.set(child, entry);
        pending.push(child);
      }
    }
  }
  const units = new Map<string, Unit>();
  for (const entry of [...members.values()].sort((a, b) => a.pid - b.pid)) {
    const row = unitRowOf(entry, flowId, subject, members, isGateway);
    const unit = units.get(row.key);
    if (unit) {
      unit.members.push(entry);
      unit.row.pids.push(entry.pid);
    } else {
      units.set(row.key, { row: { ...row, pids: [entry.pid] }, members: [entry] });
    }
  }
  return [...units.values()];
}

function unitRowOf(
  entry: ProcEntry,
  flowId: string,
  subject: Extract<MetricsSubject, { kind: 'process-group' }>,
  members: Map<number, ProcEntry>,
  isGateway: (entry: ProcEntry) => boolean,
): Omit<ProcessSampleWire, 'cpu_cores' | 'rss_bytes' | 'pids'> {
  // Up the tree to the nearest process that says who it is; at most the tree's depth.
  for (let current: ProcEntry | undefined = entry, depth = 0; current && depth < 64; current = members.get(current.ppid), depth += 1) {
    const named = subject.names.get(current.pid);
    if (named) {
      const { name, role, executor, shard, replica } = named;
      return {
        key: `${flowId}/${name}`,
        flow_id: flowId,
        role,
        name,
        ...(executor !== undefined ? { executor } : {}),
        ...(shard !== undefined ? { shard } : {}),
        ...(replica !== undefined ? { replica } : {}),
      };
    }
    if (current.pid === subject.pgid) {
      return subject.executor
        ? { key: `${flowId}/${subject.executor}`, flow_id: flowId, role: 'executor', name: subject.executor, executor: subject.executor }
        : { key: `${flowId}/jina flow`, flow_id: flowId, role: 'flow', name: 'jina flow' };
    }
    if (current.ppid === subject.pgid && !subject.executor) {
      // Jina did not name it (its log level hides INFO): the one listening on the gateway port is the gateway.
      if (isGateway(current)) return { key: `${flowId}/gateway`, flow_id: flowId, role: 'gateway', name: 'gateway' };
      return { key: `${flowId}/pid ${current.pid}`, flow_id: flowId, role: 'process', name: `pid ${current.pid}` };
    }
  }
  return { key: `${flowId}/pid ${entry.pid}`, flow_id: flowId, role: 'process', name: `pid ${entry.pid}` };
}
