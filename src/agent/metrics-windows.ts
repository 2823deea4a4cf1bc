import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { HostSampleWire, MetricsWindowReadWire, MetricsWindowStartWire } from '../daemon/agent-metrics.ts';
import { agentHttpError } from './agent-http-error.ts';
import type { FlowStore } from './flow-store.ts';
import { MetricsSampler, type SampledFlow } from './metrics-sampler.ts';
import { currentBootId } from './process-identity.ts';

export const METRICS_INTERVAL_MS = 1000;
/** Windows open at once: each is cheap, but a client must not make the agent sample forever. */
export const MAX_WINDOWS = 16;
/** Unread samples a window keeps (an hour at 1/s); older ones are dropped and counted. */
export const WINDOW_CAPACITY = 3600;
/** Longest window: a 24 h phase with room to spare. */
export const MAX_WINDOW_DURATION_S = 90_000;
/** A closing window takes a last sample when the current interval is at least this long. */
const MIN_PARTIAL_MS = 250;
/** How long an expired or finished window stays readable before it is forgotten. */
const keepAfterEndMs = 10 * 60_000;

export interface WindowScope {
  /** Only these Flows (ids the agent knows); absent: every Flow of `runId`, or every Flow. */
  flowIds?: string[];
  runId?: string;
  maxDurationS: number;
}

interface Window {
  id: string;
  scope: WindowScope;
  expiresAtMs: number;
  endedAtMs?: number;
  state: MetricsWindowReadWire['state'];
  nextSeq: number;
  dropped: number;
  samples: HostSampleWire[];
}

/**
 * Host-metrics sampling windows: a load step opens one as its phase starts, reads what was
 * sampled, and closes it when the phase ends. One timer samples once a second while any
 * window is open (nothing runs otherwise), with one /proc scan for all of them; each window
 * gets the rows of its own Flows (and the host's totals).
 */
export class MetricsWindows {
  private readonly windows = new Map<string, Window>();
  private readonly sampler = new MetricsSampler();
  private timer: NodeJS.Timeout | undefined;
  private lastTickMs = 0;

  constructor(
    private readonly flows: FlowStore,
    private readonly log: (message: string) => void,
  ) {}

  open(scope: WindowScope): MetricsWindowStartWire {
    this.forgetEnded();
    if (this.openCount() >= MAX_WINDOWS) {
      throw agentHttpError(429, `${MAX_WINDOWS} metrics windows are open already`, { hint: 'close windows with DELETE /metrics/windows/{id}' });
    }
    for (const id of scope.flowIds ?? []) this.flows.get(id);
    // Ended windows stay readable for a while; a client opening many short ones must not pile them up.
    const ended = [...this.windows.values()].filter((window) => window.state !== 'sampling');
    for (const window of ended.slice(0, Math.max(0, ended.length - MAX_WINDOWS))) this.windows.delete(window.id);
    const now = Date.now();
    const window: Window = {
      id: randomUUID(),
      scope,
      expiresAtMs: now + scope.maxDurationS * 1000,
      state: 'sampling',
      nextSeq: 1,
      dropped: 0,
      samples: [],
    };
    this.windows.set(window.id, window);
    if (!this.timer) {
      this.sampler.baseline();
      this.lastTickMs = performance.now();
      this.timer = setInterval(() => this.tickSafely(), METRICS_INTERVAL_MS);
      this.timer.unref();
    }
    const bootId = currentBootId();
    return {
      window_id: window.id,
      interval_ms: METRICS_INTERVAL_MS,
      now_ms: Date.now(),
      expires_at: new Date(window.expiresAtMs).toISOString(),
      agent: { pid: process.pid, ...(bootId ? { boot_id: bootId } : {}), cores: cpus().length, memory_total_bytes: totalmem() },
    };
  }

  /** Samples after `afterSeq`, oldest first. */
  read(id: string, afterSeq: number): MetricsWindowReadWire {
    const window = this.get(id);
    return { window_id: id, state: window.state, dropped: window.dropped, samples: window.samples.filter((sample) => sample.seq > afterSeq) };
  }

  /** Stops the window and forgets it; answers with its samples after `afterSeq`. */
  close(id: string, afterSeq: number): MetricsWindowReadWire {
    const window = this.get(id);
    // The phase's last partial second counts too (every open window gets that sample).
    if (window.state === 'sampling' && performance.now() - this.lastTickMs >= MIN_PARTIAL_MS) this.tickSafely();
    if (window.state === 'sampling') window.state = 'stopped';
    const answer = this.read(id, afterSeq);
    this.windows.delete(id);
    this.stopTimerWhenIdle();
    return answer;
  }

  closeAll(): void {
    this.windows.clear();
    this.stopTimerWhenIdle();
  }

  private get(id: string): Window {
    this.forgetEnded();
    const window = this.windows.get(id);
    if (!window) throw agentHttpError(404, `metrics window ${id} not found`);
    return window;
  }

  private openCount(): number {
    return [...this.windows.values()].filter((window) => window.state === 'sampling').length;
  }

  /** A timer callback that throws would take the agent down: a failed tick is a missing sample. */
  private tickSafely(): void {
    try {
      this.tick();
    } catch (error) {
      this.log(`host metrics: a sample failed: ${(error as Error).message}`);
    }
  }

  private tick(): void {
    this.lastTickMs = performance.now();
    const now = Date.now();
    for (const window of this.windows.values()) {
      if (window.state === 'sampling' && now >= window.expiresAtMs) {
        window.state = 'expired';
        window.endedAtMs = now;
      }
    }
    const sampling = [...this.windows.values()].filter((window) => window.state === 'sampling');
    const flowsByWindow = sampling.map((window) => this.flowsOf(window.scope));
    const sample = this.sampler.sample([...new Map(flowsByWindow.flat().map((flow) => [flow.id, flow])).values()]);
    if (sample) {
      sampling.forEach((window, index) => {
        const own = new Set((flowsByWindow[index] ?? []).map((flow) => flow.id));
        const processes = sample.processes.flatMap((row) => {
          if (row.flow_id !== undefined) return own.has(row.flow_id) ? [row] : [];
          // The agent's own process: what it serves for this window's Flows.
          const serves = servedInAgent(flowsByWindow[index] ?? []);
          return serves.length > 0 ? [{ ...row, serves }] : [];
        });
        window.samples.push({ ...sample, seq: window.nextSeq++, processes });
        if (window.samples.length > WINDOW_CAPACITY) {
          window.samples.shift();
          window.dropped += 1;
        }
      });
    }
    this.forgetEnded();
    this.stopTimerWhenIdle();
  }

  private flowsOf(scope: WindowScope): SampledFlow[] {
    const wanted = scope.flowIds ? new Set(scope.flowIds) : undefined;
    return this.flows
      .list()
      .filter((flow) => (wanted ? wanted.has(flow.id) : scope.runId === undefined || flow.runId === scope.runId))
      .flatMap((flow) => (flow.state.status === 'running' && flow.state.running.metrics ? [{ id: flow.id, subject: flow.state.running.metrics }] : []));
  }

  private forgetEnded(): void {
    const now = Date.now();
    for (const [id, window] of this.windows) {
      if (window.endedAtMs !== undefined && now - window.endedAtMs > keepAfterEndMs) this.windows.delete(id);
    }
  }

  private stopTimerWhenIdle(): void {
    if (this.timer && this.openCount() === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

function servedInAgent(flows: SampledFlow[]): string[] {
  return [...new Set(flows.flatMap((flow) => (flow.subject.kind === 'in-agent' ? flow.subject.serves : [])))];
}
