import { randomUUID } from 'node:crypto';
import { StressError } from '../errors.ts';
import { agentHttpError } from './agent-http-error.ts';
import type { FlowRuntime, FlowStartRequest, RunningFlow } from './flow-runtime.ts';

export type FlowState =
  | { status: 'starting'; cancel: AbortController; settled: Promise<unknown> }
  | { status: 'running'; running: RunningFlow; timeToReadyS: number };

export interface FlowRecord {
  id: string;
  workspaceId: string;
  /** The run that started it (`run_id`, else its workspace's). */
  runId?: string;
  runtime: string;
  /** The Flow file, relative to the workspace. */
  flowName: string;
  yamlSource: string;
  workdir: string;
  timeCreated: Date;
  /** What the flow was started with; environment names only, values may be secrets. */
  arguments: Record<string, unknown>;
  state: FlowState;
}

export interface StartFlowParams extends Omit<FlowStartRequest, 'signal'> {
  workspaceId: string;
  runId?: string;
  /** Names of the request's environment that the Flow does not get (see flow-environment). */
  environmentNotPassed?: string[];
  flowName: string;
  runtime: string;
  /** Aborts the start (the client went away). */
  signal: AbortSignal;
}

/** The agent's flows: starting ones can be cancelled, running ones stopped. */
export class FlowStore {
  readonly timeCreated = new Date();
  timeUpdated = new Date();
  numAdd = 0;
  numDel = 0;
  private readonly flows = new Map<string, FlowRecord>();
  private readonly runtimes: Record<string, FlowRuntime>;

  constructor(runtimes: Record<string, FlowRuntime>) {
    this.runtimes = runtimes;
  }

  /**
   * Starts a flow and resolves once its gateway answers. The record is listed (and can be
   * terminated) from the moment this is called, before the first await: callers holding a
   * workspace's lock register the Flow inside it and wait for it outside.
   */
  async start(params: StartFlowParams): Promise<FlowRecord> {
    const runtime = this.runtimes[params.runtime];
    if (!runtime) {
      throw agentHttpError(400, `unknown runtime "${params.runtime}"`, {
        hint: `one of: ${Object.keys(this.runtimes).join(', ')}`,
      });
    }
    const cancel = new AbortController();
    const onClientGone = () => cancel.abort(new Error('the client closed the request'));
    params.signal.addEventListener('abort', onClientGone, { once: true });
    const startedAtMs = performance.now();
    const { workspaceId, runId, flowName, runtime: runtimeName, signal: _signal, environmentNotPassed = [], ...request } = params;
    const starting = runtime.start({ ...request, signal: cancel.signal });
    const record: FlowRecord = {
      id: randomUUID(),
      workspaceId,
      ...(runId ? { runId } : {}),
      runtime: runtimeName,
      flowName,
      yamlSource: params.flowYaml,
      workdir: params.workdir,
      timeCreated: new Date(),
      arguments: {
        uses: flowName,
        runtime: runtimeName,
        environment: Object.keys(params.environment),
        ...(environmentNotPassed.length > 0 ? { environment_not_passed: environmentNotPassed } : {}),
        timeout_ready: params.timeoutReadyMs ?? -1,
      },
      state: { status: 'starting', cancel, settled: starting.catch(() => {}) },
    };
    this.flows.set(record.id, record);
    try {
      const running = await starting;
      if (cancel.signal.aborted) {
        // Cancelled in the instant the gateway came up: the runtime could not see it.
        await running.stop();
        throw new StressError('FLOW_NOT_READY', `flow start cancelled: ${String(cancel.signal.reason?.message)}`);
      }
      record.state = { status: 'running', running, timeToReadyS: (performance.now() - startedAtMs) / 1000 };
      this.numAdd += 1;
      this.timeUpdated = new Date();
      return record;
    } catch (error) {
      this.flows.delete(record.id);
      throw error;
    } finally {
      params.signal.removeEventListener('abort', onClientGone);
    }
  }

  get(id: string): FlowRecord {
    const record = this.flows.get(id);
    if (!record) throw agentHttpError(404, `flow ${id} not found`);
    return record;
  }

  list(): FlowRecord[] {
    return [...this.flows.values()];
  }

  /** Stops the flow (or cancels its start) and forgets it. */
  async terminate(id: string, reason = 'terminated'): Promise<FlowRecord> {
    const record = this.get(id);
    this.flows.delete(id);
    if (record.state.status === 'starting') {
      record.state.cancel.abort(new Error(reason));
      await record.state.settled;
      return record;
    }
    await record.state.running.stop();
    this.numDel += 1;
    this.timeUpdated = new Date();
    return record;
  }

  async terminateWorkspace(workspaceId: string, reason: string): Promise<void> {
    const ids = this.list().filter((flow) => flow.workspaceId === workspaceId).map((flow) => flow.id);
    await Promise.all(ids.map((id) => this.terminate(id, reason)));
  }

  async terminateAll(reason: string): Promise<void> {
    await Promise.all(this.list().map((flow) => this.terminate(flow.id, reason)));
  }
}
