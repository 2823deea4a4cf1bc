import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readProcStat, readResidentBytes, TICKS_PER_SECOND } from '../../src/agent/proc-snapshot.ts';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { buildStatsTable } from '../../src/report/stats-table.ts';
import { runLoadStep } from '../../src/steps/run-load-step.ts';
import { jinaEnvironment, processesInWorkspaces } from '../e2e/support/real-jina-run.ts';
import { startTestAgent, type TestAgent } from '../agent/test-agent.ts';
import { loadParams } from '../load/support/load-params.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { loadStepContext } from './support/load-step-job.ts';

// Real Jina 3.34 through the process runtime: `jina flow` forks one process per pod. The
// encoder (2 replicas) and the indexer (2 shards and their head) must each get their own rows,
// named as Jina names its pods; the checks are against /proc read here, in the same run.
const environment = jinaEnvironment('v2');
const repo = resolve(import.meta.dirname, '../..');
const token = 'real-jina-metrics-token';
let agent: TestAgent | undefined;

beforeAll(async () => {
  if (environment.status === 'ready') {
    agent = await startTestAgent({ processCommand: undefined, jinaBin: join(environment.python, '..', 'jina'), timeoutReadyMs: 90_000, token });
  }
});
afterAll(() => agent?.agent.close());

function groupOf(pid: number): number | undefined {
  return readProcStat(pid)?.pgrp;
}

/** Ports the process listens on, from its socket inodes and /proc/net/tcp{,6}. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address (hex ip:port), st 0A = LISTEN, inode in column 10.
      if (fields[3] === '0A' && inodes.has(fields[9]!)) ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

test('each executor replica, shard and head, the gateway and jina flow get their own rows, matching /proc', { timeout: 180_000 }, async (context) => {
  if (environment.status === 'missing' || !agent) return skipOrFail(context, environment.status === 'missing' ? environment.reason : 'no agent');
  const parts = ['encoder.py', 'indexer.py'].map((name) => ({ name: 'files', filename: name, content: readFileSync(join(repo, 'fixtures/executors/v2', name), 'utf8') }));
  const workspaceId = (await agent.call('POST', '/workspaces', { parts })).body as string;
  const started = await agent.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'index.yml', content: readFileSync(join(repo, 'configs/jina-e2e/flows/index.yml'), 'utf8') },
      { name: 'workspace_id', content: workspaceId },
      { name: 'environment', content: JSON.stringify({ JINA_PROTOCOL: 'grpc', JINA_WORKSPACE: 'index-data' }) },
    ],
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const flowId = started.body as string;
  const daemon = createDaemonClient({ host: '127.0.0.1', port: agent.address.port, token });
  const { context: stepContext } = await loadStepContext({ daemon, flowId });
  const gatewayPort = stepContext.job.flow!.gateway!.port;

  const flowPids = processesInWorkspaces([workspaceId]);
  const pgid = groupOf(flowPids[0]!)!;
  const ticksBefore = new Map(flowPids.map((pid) => [pid, readProcStat(pid)!.cpuTicks]));
  const outcome = await runLoadStep(
    stepContext,
    'index',
    loadParams({ numClients: 2, executionTimeS: 4, requestSize: 10, inputs: { method: 'random_texts', kwargs: { num_docs: 30 } } }),
  );
  const usedS = (pid: number) => ((readProcStat(pid)?.cpuTicks ?? 0) - (ticksBefore.get(pid) ?? 0)) / TICKS_PER_SECOND;

  expect(outcome.failure).toBeUndefined();
  const metrics = outcome.report!.hostMetrics!;
  if (metrics.status !== 'sampled') throw new Error(metrics.reason);
  const byName = new Map(metrics.processes.map((process) => [process.name, process]));
  for (const name of ['encoder/rep-0', 'encoder/rep-1', 'indexer/head', 'indexer/shard-0/rep-0', 'indexer/shard-1/rep-0', 'gateway/rep-0', 'jina flow']) {
    expect(byName.has(name), `${name} in ${[...byName.keys()].join(', ')}`).toBe(true);
  }
  expect(byName.get('encoder/rep-1')).toMatchObject({ role: 'executor', executor: 'encoder', replica: 1 });
  expect(byName.get('indexer/shard-1/rep-0')).toMatchObject({ role: 'executor', executor: 'indexer', shard: 1, replica: 0 });
  expect(byName.get('indexer/head')).toMatchObject({ role: 'head', executor: 'indexer' });
  expect(byName.get('jina flow')!.pids).toContain(pgid);

  // Every row is processes of the Flow's group, no process is in two rows, and all of them are covered.
  const rowPids = metrics.processes.flatMap((process) => process.pids);
  expect(new Set(rowPids).size).toBe(rowPids.length);
  for (const pid of rowPids) expect(groupOf(pid), `pid ${pid}`).toBe(pgid);
  expect([...rowPids].sort()).toEqual([...processesInWorkspaces([workspaceId])].sort());
  // The gateway row is the process listening on the gateway's port.
  expect(listeningPorts(byName.get('gateway/rep-0')!.pids[0]!)).toContain(gatewayPort);

  // CPU: what the rows sampled inside the phase against what /proc says each used around the
  // step; the busy processes (a third of a second or more) within the sampling error.
  let sampledTotalS = 0;
  let usedTotalS = 0;
  for (const process of metrics.processes) {
    const sampledS = process.seconds.reduce((sum, second) => sum + second.cpuCores, 0);
    const truthS = process.pids.reduce((sum, pid) => sum + usedS(pid), 0);
    sampledTotalS += sampledS;
    usedTotalS += truthS;
    expect(sampledS, process.name).toBeLessThan(truthS * 1.15 + 0.05);
    if (truthS >= 0.3) expect(sampledS, process.name).toBeGreaterThan(truthS * 0.5);
    // Memory: the resident size /proc reports now, within what a second can change.
    const rssNow = process.pids.reduce((sum, pid) => sum + (readResidentBytes(pid) ?? 0), 0);
    const last = process.seconds.at(-1)!.rssBytes;
    expect(last, process.name).toBeGreaterThan(rssNow * 0.7);
    expect(last, process.name).toBeLessThan(rssNow * 1.3);
  }
  expect(usedTotalS).toBeGreaterThan(0.2);
  expect(sampledTotalS).toBeGreaterThan(usedTotalS * 0.5);

  // Per executor: replicas and shards (and the head) added up; in the stats table.
  const executors = new Map(metrics.executors.map((executor) => [executor.name, executor]));
  expect(executors.get('encoder')).toMatchObject({ processes: 2 });
  expect(executors.get('indexer')).toMatchObject({ processes: 3 });
  expect(executors.get('gateway')).toMatchObject({ processes: 1 });
  const row = buildStatsTable([outcome.report!]).rows[0]!;
  expect(Object.keys(row.resources!).sort()).toEqual(['encoder', 'gateway', 'indexer']);
  expect(row.resources!.encoder!.peakRssBytes).toBe(executors.get('encoder')!.peakRssBytes);
});

test('with Jina logging only errors the pods go unnamed: the gateway is found by its port, the others reported by pid', { timeout: 180_000 }, async (context) => {
  if (environment.status === 'missing' || !agent) return skipOrFail(context, environment.status === 'missing' ? environment.reason : 'no agent');
  const parts = [{ name: 'files', filename: 'encoder.py', content: readFileSync(join(repo, 'fixtures/executors/v2/encoder.py'), 'utf8') }];
  const workspaceId = (await agent.call('POST', '/workspaces', { parts })).body as string;
  const flowYaml = 'jtype: Flow\nwith:\n  protocol: grpc\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n  - {name: encoder, uses: StressEncoder, py_modules: [encoder.py], uses_with: {dim: 16}}\n';
  const started = await agent.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'quiet.yml', content: flowYaml },
      { name: 'workspace_id', content: workspaceId },
      { name: 'environment', content: JSON.stringify({ JINA_LOG_LEVEL: 'ERROR' }) },
    ],
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const daemon = createDaemonClient({ host: '127.0.0.1', port: agent.address.port, token });
  const { context: stepContext } = await loadStepContext({ daemon, flowId: started.body });
  const gatewayPort = stepContext.job.flow!.gateway!.port;
  const outcome = await runLoadStep(stepContext, 'index', loadParams({ numClients: 1, executionTimeS: 2, inputs: { method: 'random_texts', kwargs: { num_docs: 10 } } }));
  expect(outcome.failure).toBeUndefined();
  const metrics = outcome.report!.hostMetrics!;
  if (metrics.status !== 'sampled') throw new Error(metrics.reason);
  const names = metrics.processes.map((process) => `${process.role}:${process.name}`).sort();
  const gateway = metrics.processes.find((process) => process.role === 'gateway');
  expect(gateway, names.join(', ')).toMatchObject({ name: 'gateway' });
  expect(listeningPorts(gateway!.pids[0]!)).toContain(gatewayPort);
  // The rest: `jina flow` and the encoder's pod, by pid; every process of the Flow exactly once.
  expect(names.filter((name) => name.startsWith('process:pid '))).toHaveLength(1);
  expect(names).toContain('flow:jina flow');
  const rowPids = metrics.processes.flatMap((process) => process.pids).sort();
  expect(rowPids).toEqual([...processesInWorkspaces([workspaceId])].sort());
  expect((await agent.call('DELETE', `/flows/${started.body}`)).status).toBe(200);
});
