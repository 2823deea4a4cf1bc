import { readFileSync } from 'node:fs';
import type { HostSample } from '../daemon/agent-metrics.ts';
import type { DaemonApi, OpenedMetricsWindow } from '../daemon/daemon-api.ts';
import type { LoadResult } from '../load/load-result.ts';
import type { JobContext } from './job-context.ts';
import {
  meanAndPeak,
  summarizeExecutorResources,
  type AgentHostMetrics,
  type HostMetrics,
  type ProcessMetrics,
} from '../load/host-metrics.ts';

/** An agent whose Flow processes a load step samples. */
export interface MetricsAgent {
  /** How reports name it: `host:port`. */
  label: string;
  daemon: DaemonApi;
  /** The Flows (ids on that agent) of this job; empty: the host's totals only. */
  flowIds: string[];
}

export interface HostMetricsCollection {
  /** Closes every window and keeps the samples inside the phase. Never rejects. */
  finish(phase: { startedAt: string; wallTimeS: number }): Promise<HostMetrics>;
}

type Opened = { agent: MetricsAgent; window: OpenedMetricsWindow; samples: HostSample[]; lastSeq: number; dropped: number };
type AgentState = Opened | { agent: MetricsAgent; unavailable: string };

/** The job's daemon (its Flow, if the job started one) and the agents its executors were placed on. */
export function metricsAgentsOf(job: JobContext): MetricsAgent[] {
  const main: MetricsAgent[] = job.flow ? [{ label: new URL(job.daemon.baseUrl).host, daemon: job.daemon, flowIds: [job.flow.id] }] : [];
  const placed = job.hostAgents.filter((agent) => agent.executors.size > 0).map((agent) => ({ label: agent.label, daemon: agent.daemon, flowIds: [...agent.executors.keys()] }));
  return [...main, ...placed];
}

/**
 * One load phase with the agents sampling around it (`hostMetrics` on its result). The windows
 * close whether the phase ends or throws: an agent never samples for nothing.
 */
export async function measureWithHostMetrics(agents: readonly MetricsAgent[], maxDurationS: number, phase: () => Promise<LoadResult>): Promise<LoadResult> {
  const hostMetrics = await startHostMetrics(agents, maxDurationS);
  const measured = await phase().catch(async (error: unknown) => {
    await hostMetrics.finish({ startedAt: new Date().toISOString(), wallTimeS: 0 });
    throw error;
  });
  return { ...measured, hostMetrics: await hostMetrics.finish(measured) };
}

/** Reads what the agents hold this often, so a phase longer than their buffer (an hour) loses nothing. */
const pollIntervalMs = 60_000;

/**
 * Opens a host-metrics window on every agent of the job as a load phase starts. An agent
 * without metrics (a JinaD: no endpoint) or one that fails is reported as unavailable, and the
 * step goes on: host metrics never fail a load step.
 */
export async function startHostMetrics(agents: readonly MetricsAgent[], maxDurationS: number): Promise<HostMetricsCollection> {
  const states: AgentState[] = await Promise.all(
    agents.map(async (agent): Promise<AgentState> => {
      try {
        const opened = await agent.daemon.openMetricsWindow({ flowIds: agent.flowIds, maxDurationS });
        if (opened.status === 'unsupported') return { agent, unavailable: opened.reason };
        return { agent, window: opened, samples: [], lastSeq: 0, dropped: 0 };
      } catch (error) {
        return { agent, unavailable: `opening a metrics window failed: ${(error as Error).message}` };
      }
    }),
  );
  const opened = states.filter((state): state is Opened => 'window' in state);
  const read = async (state: Opened, close: boolean) => {
    const { daemon } = state.agent;
    const answer = close
      ? await daemon.closeMetricsWindow(state.window.windowId, state.lastSeq)
      : await daemon.readMetricsWindow(state.window.windowId, state.lastSeq);
    // A poll still in flight when the window closes answers with samples the close got too.
    const fresh = answer.samples.filter((sample) => sample.seq > state.lastSeq);
    state.samples.push(...fresh);
    state.lastSeq = Math.max(state.lastSeq, ...fresh.map((sample) => sample.seq));
    state.dropped = answer.dropped;
  };
  const poller = setInterval(() => {
    for (const state of opened) read(state, false).catch(() => {});
  }, pollIntervalMs);
  poller.unref();

  return {
    async finish(phase) {
      clearInterval(poller);
      const failures = new Map<Opened, string>();
      await Promise.all(
        opened.map((state) => read(state, true).catch((error: Error) => void failures.set(state, `reading its metrics failed: ${error.message}`))),
      );
      const results = states.map((state) =>
        'unavailable' in state
          ? { metrics: { status: 'unavailable', agent: state.agent.label, reason: state.unavailable } as AgentHostMetrics, processes: [] }
          : failures.has(state)
            ? { metrics: { status: 'unavailable', agent: state.agent.label, reason: failures.get(state)! } as AgentHostMetrics, processes: [] }
            : alignAgent(state, phase),
      );
      return assemble(results);
    },
  };
}

function assemble(results: Array<{ metrics: AgentHostMetrics; processes: ProcessMetrics[] }>): HostMetrics {
  const agents = results.map((result) => result.metrics);
  const sampled = agents.filter((agent) => agent.status === 'sampled');
  if (sampled.length === 0) {
    const reasons = agents.map((agent) => `${agent.agent}: ${agent.status === 'unavailable' ? agent.reason : ''}`).join('; ');
    return { status: 'unavailable', reason: reasons || 'the job started no Flow on an agent (the load went to a configured gateway)' };
  }
  const processes = results.flatMap((result) => result.processes).sort((a, b) => b.meanCpuCores - a.meanCpuCores);
  const notes: string[] = [];
  for (const agent of agents) {
    if (agent.status === 'unavailable') notes.push(`${agent.agent}: host metrics unavailable (${agent.reason})`);
    else {
      if (agent.isGeneratorProcess) notes.push(`the agent at ${agent.agent} runs in this generator's process: its row includes the load generator`);
      if (agent.droppedSamples > 0) notes.push(`${agent.agent} dropped ${agent.droppedSamples} samples`);
      if (agent.seconds.length === 0) notes.push(`${agent.agent}: no sample fell inside the phase (shorter than a second?)`);
    }
  }
  for (const process of processes) {
    if (process.role === 'agent' && (process.serves?.length ?? 0) > 1) {
      notes.push(`reference runtime on ${process.agent}: ${process.serves!.join(', ')} run inside the agent's own process, reported as one row`);
    }
  }
  const top = processes[0];
  const hostOf = new Map(sampled.map((agent) => [agent.agent, agent.status === 'sampled' ? agent.cores : undefined]));
  return {
    status: 'sampled',
    agents,
    processes,
    executors: summarizeExecutorResources(processes),
    ...(top
      ? {
          busiest: {
            agent: top.agent,
            key: top.key,
            name: top.name,
            role: top.role,
            ...(top.executor !== undefined ? { executor: top.executor } : {}),
            meanCpuCores: top.meanCpuCores,
            peakCpuCores: top.peakCpuCores,
            ...(hostOf.get(top.agent) !== undefined ? { hostCores: hostOf.get(top.agent)! } : {}),
            ...(top.includesGenerator ? { includesGenerator: true } : {}),
          },
        }
      : {}),
    notes,
  };
}

/** The agent's samples inside the phase, on the phase's seconds. */
function alignAgent(state: Opened, phase: { startedAt: string; wallTimeS: number }): { metrics: AgentHostMetrics; processes: ProcessMetrics[] } {
  const { window, agent } = state;
  const offsetMs = window.agentNowMs - window.localNowMs;
  const startMs = Date.parse(phase.startedAt);
  const endMs = startMs + phase.wallTimeS * 1000;
  const inside = placeOnSeconds(state.samples, offsetMs, startMs, endMs);
  const isGeneratorProcess = window.agent.pid === process.pid && window.agent.bootId !== undefined && window.agent.bootId === bootId();
  const byKey = new Map<string, ProcessMetrics>();
  for (const { sample, second } of inside) {
    for (const row of sample.processes) {
      let metrics = byKey.get(row.key);
      if (!metrics) {
        const { cpuCores: _cpu, rssBytes: _rss, flowId: _flow, ...identity } = row;
        metrics = { agent: agent.label, ...identity, seconds: [], meanCpuCores: 0, peakCpuCores: 0, peakRssBytes: 0 };
        if (row.role === 'agent' && isGeneratorProcess) metrics.includesGenerator = true;
        byKey.set(row.key, metrics);
      }
      metrics.pids = row.pids;
      metrics.seconds.push({ second, cpuCores: row.cpuCores, rssBytes: row.rssBytes });
    }
  }
  for (const metrics of byKey.values()) {
    const cpu = meanAndPeak(metrics.seconds.map((second) => second.cpuCores));
    metrics.meanCpuCores = cpu?.mean ?? 0;
    metrics.peakCpuCores = cpu?.peak ?? 0;
    metrics.peakRssBytes = Math.max(0, ...metrics.seconds.map((second) => second.rssBytes));
  }
  const hostCpu = meanAndPeak(inside.flatMap(({ sample }) => (sample.hostCpuCores === undefined ? [] : [sample.hostCpuCores])));
  return {
    metrics: {
      status: 'sampled',
      agent: agent.label,
      cores: window.agent.cores,
      memoryTotalBytes: window.agent.memoryTotalBytes,
      isGeneratorProcess,
      seconds: inside.map(({ sample, second }) => ({
        second,
        ...(sample.hostCpuCores !== undefined ? { cpuCores: sample.hostCpuCores } : {}),
        memoryUsedBytes: sample.memoryUsedBytes,
      })),
      ...(hostCpu ? { meanCpuCores: hostCpu.mean, peakCpuCores: hostCpu.peak } : {}),
      peakMemoryUsedBytes: Math.max(0, ...inside.map(({ sample }) => sample.memoryUsedBytes)),
      droppedSamples: state.dropped,
    },
    processes: [...byKey.values()],
  };
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The samples whose interval's middle falls inside the phase, each on its own second: the
 * second its middle falls in, or the one after the previous sample's when a late timer put
 * two middles in one second (the agent samples once a second, so they catch up).
 */
function placeOnSeconds(samples: readonly HostSample[], offsetMs: number, startMs: number, endMs: number): Array<{ sample: HostSample; second: number }> {
  const placed: Array<{ sample: HostSample; second: number }> = [];
  for (const sample of samples) {
    const middleMs = sample.atMs - offsetMs - sample.intervalMs / 2;
    if (middleMs < startMs || middleMs > endMs) continue;
    const previous = placed.at(-1)?.second ?? -1;
    placed.push({ sample, second: Math.max(previous + 1, Math.floor((middleMs - startMs) / 1000)) });
  }
  return placed;
}
