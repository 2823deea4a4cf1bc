import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonApi } from '../../../src/daemon/daemon-api.ts';
import type { JobContext } from '../../../src/steps/job-context.ts';
import { RunResults } from '../../../src/steps/run-results.ts';
import type { StepContext } from '../../../src/steps/step-context.ts';

/**
 * The context a load step runs in, as the job runner builds it: a real daemon client, the
 * Flow the job started on it (id and gateway from `GET /flows/{id}`), the agents its executors
 * were placed on. Log lines are kept for the test to read.
 */
export async function loadStepContext(options: {
  daemon: DaemonApi;
  flowId?: string;
  /** Agents of executors placed on other hosts, with the executors' ids there. */
  placedAgents?: Array<{ label: string; daemon: DaemonApi; flowIds: string[] }>;
}): Promise<{ context: StepContext; logs: string[] }> {
  const flow = options.flowId ? await options.daemon.getFlow(options.flowId) : undefined;
  const url = new URL(options.daemon.baseUrl);
  const reportsDir = mkdtempSync(join(tmpdir(), 'host-metrics-reports-'));
  const job: JobContext = {
    run: {
      plan: { configPath: join(reportsDir, 'stress.yaml'), configDir: reportsDir, configHash: '000000000000' },
      runId: 'host-metrics-test',
      reportsDir,
      results: new RunResults(),
      knownSecrets: [],
    },
    job: { name: 'hosts' },
    daemon: options.daemon,
    daemonAddress: { host: url.hostname, port: Number(url.port) },
    ...(flow ? { flow: { id: flow.id, ...(flow.gateway ? { gateway: flow.gateway } : {}), timeToReadyS: flow.timeToReadyS ?? 0 } } : {}),
    created: { workspaces: new Set(), flows: new Set() },
    hostAgents: (options.placedAgents ?? []).map((agent) => {
      const at = new URL(agent.daemon.baseUrl);
      return { label: agent.label, address: { host: at.hostname, port: Number(at.port) }, daemon: agent.daemon, executors: new Map(agent.flowIds.map((id) => [id, 'executor'])) };
    }),
  };
  const logs: string[] = [];
  const context: StepContext = {
    job,
    step: { index: 0, kind: 'index', name: 'index' },
    signal: new AbortController().signal,
    log: (message) => logs.push(message),
    progress: () => {},
  };
  return { context, logs };
}
