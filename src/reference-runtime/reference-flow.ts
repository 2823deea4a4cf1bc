import { setMaxListeners } from 'node:events';
import type { DryRunResult, GatewayInfo } from '../gateway/gateway-client.ts';
import type { DataRequest } from '../protocol/data-request.ts';
import { Deployment } from './deployment.ts';
import type { FlowSpec } from './flow-spec.ts';
import { buildTopology, type FlowTopology } from './flow-topology.ts';
import { withLegacyDocumentDefaults } from './legacy-document-defaults.ts';
import { routeRequest, type FlowOutcome } from './route-request.ts';

/**
 * How long `close` lets requests already inside finish before it gives up on them. A stalled
 * executor (a 10-minute latency) must not hold the Flow, the agent, or the run open.
 */
export const DEFAULT_CLOSE_GRACE_MS = 3000;

/** Reported as `jina` by `/status`: the wire version it mimics, marked as not being Jina. */
export const REFERENCE_JINA_VERSION = '3.34.0+reference';

/**
 * A running Flow without its network side: deployments started (indexers loaded from the
 * workspace), requests routed as Jina's gateway routes them. The gateway servers call
 * `process`; `close` stops accepting work and persists stateful executors.
 */
export class ReferenceFlow {
  private isClosed = false;
  private areEndpointsKnown: boolean;
  private readonly inFlight = new Set<Promise<FlowOutcome>>();
  private readonly startedAt = new Date();
  /** Requests cut off by the last `close` (still inside when its grace ran out). */
  cutOffAtClose = 0;

  private constructor(
    readonly spec: FlowSpec,
    private readonly deployments: Deployment[],
    private readonly topology: FlowTopology,
    private readonly environment: Readonly<Record<string, string | undefined>>,
    private readonly stopping: AbortController,
  ) {
    this.areEndpointsKnown = spec.docarray === 'v2';
  }

  static async start(spec: FlowSpec, workdir: string, environment: Readonly<Record<string, string | undefined>> = {}): Promise<ReferenceFlow> {
    const stopping = new AbortController();
    // Every request waiting in an executor listens on it: hundreds at once under load.
    setMaxListeners(0, stopping.signal);
    const deployments: Deployment[] = [];
    try {
      for (const executor of spec.executors) deployments.push(await Deployment.start(executor, workdir, stopping.signal, spec.docarray));
    } catch (error) {
      await Promise.allSettled(deployments.map((deployment) => deployment.close()));
      throw error;
    }
    return new ReferenceFlow(spec, deployments, buildTopology(deployments), environment, stopping);
  }

  process(request: DataRequest): Promise<FlowOutcome> {
    if (this.isClosed) {
      return Promise.resolve({
        status: 'unavailable',
        requestId: request.header.requestId,
        deployment: 'gateway',
        message: 'the Flow is stopping',
      });
    }
    const outcome =
      this.spec.docarray === 'v2'
        ? routeRequest(this.topology, { ...request, docs: withLegacyDocumentDefaults(request.docs) }).then(withLegacyResponseDefaults)
        : routeRequest(this.topology, request, { skipsUnboundExecutors: this.areEndpointsKnown });
    this.inFlight.add(outcome);
    void outcome.finally(() => this.inFlight.delete(outcome)).catch(() => undefined);
    return outcome;
  }

  /** Ready when every shard of every executor has a live replica (a dry run's verdict). */
  dryRun(): DryRunResult {
    if (this.isClosed) return { status: 'not-ready', reason: 'the Flow is stopping' };
    const down = this.deployments.filter((deployment) => !deployment.isAvailable).map((deployment) => deployment.name);
    if (down.length === 0) return { status: 'ready' };
    return { status: 'not-ready', reason: `deployment(s) unavailable: ${down.join(', ')}` };
  }

  /**
   * Endpoints the executors bind (`/default` included when one binds everything). Like Jina's
   * gateway, a docarray-v1 Flow skips executors that do not bind an endpoint only once its
   * endpoints were discovered (v2 gateways discover them before they are ready).
   */
  endpoints(): string[] {
    this.areEndpointsKnown = true;
    return [...new Set(this.deployments.flatMap((deployment) => deployment.endpoints))].sort();
  }

  info(): GatewayInfo {
    const envs: Record<string, string> = {};
    // Like Jina's /status: the JINA_* variables — minus anything that looks like a secret.
    for (const [key, value] of Object.entries(this.environment)) {
      if (key.startsWith('JINA_') && value !== undefined && !/TOKEN|SECRET|PASSWORD|KEY/i.test(key)) envs[key] = value;
    }
    return {
      jina: {
        jina: REFERENCE_JINA_VERSION,
        docarray: this.spec.docarray === 'v1' ? '0.21.1' : '0.40.1',
        'jina-proto': '0.1.27',
        runtime: 'jina-stress reference',
        'node.js': process.version,
        platform: process.platform,
        architecture: process.arch,
        'session-start': this.startedAt.toISOString(),
      },
      envs,
    };
  }

  /**
   * Stops accepting work, lets requests already inside finish for up to `graceMs`, then
   * aborts the rest (executors stop waiting; queued requests never start; each answers
   * UNAVAILABLE), and persists stateful executors. Bounded whatever the executors do.
   */
  async close(graceMs = DEFAULT_CLOSE_GRACE_MS): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    // Requests already inside finish before indexers write their shards.
    if (!(await settlesWithin([...this.inFlight], graceMs))) {
      this.cutOffAtClose = this.inFlight.size;
      this.stopping.abort(new Error('the Flow is stopping'));
      // Aborted executors settle at once; a synchronous one that ignores the signal is not
      // waited for a second time.
      await settlesWithin([...this.inFlight], graceMs);
    }
    await Promise.all(this.deployments.map((deployment) => deployment.close()));
  }
}

/** Whether every promise settled within `ms`. */
async function settlesWithin(promises: ReadonlyArray<Promise<unknown>>, ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function withLegacyResponseDefaults(outcome: FlowOutcome): FlowOutcome {
  if (outcome.status !== 'response') return outcome;
  return { ...outcome, response: { ...outcome.response, docs: withLegacyDocumentDefaults(outcome.response.docs) } };
}
