import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readFlowPlacements, rewriteFlowWithExternals, type PlacedExecutor } from '../config/flow-placement.ts';
import { buildTemplateView } from '../config/template-rendering.ts';
import { StressError } from '../errors.ts';
import type { HostAgent } from './host-agents.ts';
import type { JobContext, PlacedExecutorRun } from './job-context.ts';

export interface PlacementRequest {
  /** The rendered Flow file (private copy): rewritten in place when executors are placed. */
  renderedFile: string;
  /** The Flow as configured, for `uses: exec.yml` next to it. */
  originalFile: string;
  templateEnvironment: Record<string, string>;
  instancesFile?: string;
  runtime?: string;
  environment: Record<string, string>;
  timeoutReadyS: number;
}

/**
 * start_flow's first half on several hosts (issue 13): each executor the Flow places on
 * another host is started by that host's agent (all hosts at once), each answer awaited; a
 * sharded one is one `POST /executors` per shard on the reference runtime, and ONE with
 * `shards` on the `process` runtime, the step's or the agent's default (Jina's gateway reads
 * several addresses of one external executor as replicas, so the remote agent runs the whole
 * Deployment and its head merges); then the rendered Flow is rewritten so the main agent's gateway
 * connects to them as Jina 3's `external: true` executors. Started executors are recorded on
 * their agent as they come up, so a failure halfway leaves nothing the teardown cannot find.
 */
export async function startPlacedExecutors(job: JobContext, request: PlacementRequest, log: (line: string) => void): Promise<PlacedExecutorRun[]> {
  const text = await readFile(request.renderedFile, 'utf8');
  const view = buildTemplateView({ environment: request.templateEnvironment, ...(request.instancesFile ? { instancesFile: request.instancesFile } : {}) });
  const placed = readFlowPlacements(text, {
    source: path.basename(request.originalFile),
    hosts: job.job.hosts ?? {},
    mainHost: job.daemonAddress.host,
    ...(job.daemonAddress.token ? { token: job.daemonAddress.token } : {}),
    searchDirs: [path.dirname(request.originalFile)],
    view: view.status === 'ok' ? view.view : {},
  });
  if (placed.length === 0) return [];
  const outcomes = await Promise.allSettled(placed.map((executor) => startOne(job, executor, request)));
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)] : []));
  if (failures.length > 0) {
    throw new StressError('FLOW_NOT_READY', `start_flow: ${failures.length} placed executor(s) did not start:\n  ${failures.join('\n  ')}`, {
      hint: 'each host needs an agent (jina-stress agent --host <its address>) with the job\'s token; the gateway Flow was not started',
    });
  }
  const started = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<PlacedExecutorRun>).value);
  for (const executor of started) {
    const replicas = executor.replicas > 1 ? ` × ${executor.replicas} replicas` : '';
    const shape = executor.hasHead ? `${executor.shards} shards${replicas} behind a head on grpc port ${executor.ports[0]}` : `${executor.shards} shard(s), grpc port ${executor.ports.join(', ')}`;
    log(`executor ${executor.name}@${executor.host} ready in ${executor.timeToReadyS.toFixed(2)}s (${shape}, agent ${executor.agent})`);
    const asked = placed.find((placement) => placement.name === executor.name)?.replicas ?? 1;
    if (asked > executor.replicas) {
      log(`executor ${executor.name}@${executor.host}: replicas: ${asked} not started, one process per shard runs (replicas need shards above 1 on the process runtime: see README "Several hosts")`);
    }
  }
  await writeFile(request.renderedFile, rewriteFlowWithExternals(text, path.basename(request.originalFile), started));
  return started;
}

async function startOne(job: JobContext, executor: PlacedExecutor, request: PlacementRequest): Promise<PlacedExecutorRun> {
  const agent = findAgent(job, executor);
  const where = `executor ${executor.name}@${executor.agent.host} (agent ${agent.label})`;
  if (!agent.workspaceId) {
    throw new StressError('STEP_PREREQUISITE', `${where}: the job's workspace is not on this host`, { hint: 'create_workspace uploads to every host of the job; it did not reach this one' });
  }
  const startedAt = performance.now();
  const ids: string[] = [];
  const ports: number[] = [];
  let host = executor.agent.host;
  let runtime = request.runtime;
  let hasHead = false;
  let calls = executor.shards;
  try {
    // A sharded executor gets Jina's head only on the process runtime: the step's, else the
    // agent's default, which its /status names (sent back explicitly, so both sides agree).
    if (executor.shards > 1 && runtime === undefined) runtime = await defaultRuntimeOf(agent);
    hasHead = executor.shards > 1 && runtime === 'process';
    calls = hasHead ? 1 : executor.shards;
    for (let shard = 0; shard < calls; shard++) {
      const id = await agent.daemon.startExecutor(
        {
          name: executor.name,
          uses: executor.uses,
          usesWith: executor.usesWith,
          ...(executor.pyModules.length > 0 ? { pyModules: executor.pyModules } : {}),
          ...(executor.port !== undefined ? { port: executor.port + shard } : {}),
          ...(hasHead
            ? {
                shards: executor.shards,
                ...(executor.replicas > 1 ? { replicas: executor.replicas } : {}),
                ...(executor.polling !== undefined ? { polling: executor.polling } : {}),
              }
            : {}),
          ...(!hasHead && executor.shards > 1 ? { shardIndex: shard, shardCount: executor.shards } : {}),
          ...(runtime ? { runtime } : {}),
          environment: request.environment,
          timeoutReadyS: request.timeoutReadyS,
        },
        agent.workspaceId,
      );
      agent.executors.set(id, executor.name);
      ids.push(id);
      const info = await agent.daemon.getFlow(id);
      if (!info.gateway) throw new StressError('DAEMON_HTTP', `${where}: the agent did not say where shard ${shard} listens`);
      if (info.gateway.host !== '0.0.0.0' && info.gateway.host !== '::') host = info.gateway.host;
      ports.push(info.gateway.port);
    }
  } catch (error) {
    throw new StressError('FLOW_NOT_READY', `${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    name: executor.name,
    host,
    agent: agent.label,
    ids,
    ports,
    shards: executor.shards,
    replicas: hasHead ? executor.replicas : 1,
    hasHead,
    timeToReadyS: (performance.now() - startedAt) / 1000,
  };
}

/** The runtime the agent uses when a request names none (`jina.default_runtime` of its /status); undefined for a JinaD. */
async function defaultRuntimeOf(agent: HostAgent): Promise<string | undefined> {
  const { jina } = await agent.daemon.status();
  const runtime = typeof jina === 'object' && jina !== null ? (jina as Record<string, unknown>).default_runtime : undefined;
  return typeof runtime === 'string' ? runtime : undefined;
}

function findAgent(job: JobContext, executor: PlacedExecutor): HostAgent {
  const label = `${executor.agent.host}:${executor.agent.port}`;
  const agent = job.hostAgents.find((candidate) => candidate.label === label);
  if (!agent) {
    throw new StressError('STEP_PREREQUISITE', `executor ${executor.name} is placed on ${label}, which the job's plan did not list`, {
      hint: 'a Flow placement the config did not show at validation time (a host from an environment variable set later?); name the host in the job\'s hosts:',
    });
  }
  return agent;
}
