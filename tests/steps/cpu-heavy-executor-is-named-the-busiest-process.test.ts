import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import type { DaemonApi } from '../../src/daemon/daemon-api.ts';
import { buildStatsTable } from '../../src/report/stats-table.ts';
import { renderStatsText } from '../../src/report/render-stats.ts';
import { runLoadStep } from '../../src/steps/run-load-step.ts';
import { readProcStat, TICKS_PER_SECOND } from '../../src/agent/proc-snapshot.ts';
import { startCliAgent, type CliAgent } from '../agent/cli-agent.ts';
import { loadParams } from '../load/support/load-params.ts';
import { loadStepContext } from './support/load-step-job.ts';

// Three agents, each its own process, as on three hosts: the gateway's Flow on A, a light
// executor on B and one that computes 20 ms of CPU per request on C. The load step samples all three
// and must name C's process, serving `heavy`, the busiest; its CPU must match what /proc says
// C's process used over the same step.
const token = 'host-metrics-token';
const agents: Array<{ cli: CliAgent; daemon: DaemonApi }> = [];
const folder = mkdtempSync(join(tmpdir(), 'busiest-flow-'));
const note = { path: join(folder, 'note.txt'), name: 'note.txt' };
writeFileSync(note.path, 'a workspace needs a file\n');

beforeAll(async () => {
  for (let index = 0; index < 3; index += 1) {
    const cli = await startCliAgent([], { JINA_STRESS_AGENT_TOKEN: token });
    agents.push({ cli, daemon: createDaemonClient({ host: '127.0.0.1', port: cli.port, token, runId: 'busiest-run' }) });
  }
}, 60_000);

afterAll(async () => {
  for (const { cli } of agents) {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
});

async function placeExecutor(daemon: DaemonApi, port: number, name: string, usesWith: object): Promise<{ id: string; port: number }> {
  const workspaceId = await daemon.createWorkspace([note]);
  const form = new FormData();
  for (const [key, value] of Object.entries({ workspace_id: workspaceId, name, uses: 'FaultExecutor', uses_with: JSON.stringify(usesWith), run_id: 'busiest-run' })) form.append(key, value);
  const answer = await fetch(`http://127.0.0.1:${port}/executors`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const id = (await answer.json()) as string;
  expect(answer.status, String(id)).toBe(201);
  const info = await daemon.getFlow(id);
  return { id, port: info.gateway!.port };
}

test('a reference executor that computes is its agent process, named the busiest in the report, and its CPU matches /proc', { timeout: 120_000 }, async () => {
  const [gatewayHost, lightHost, heavyHost] = agents as [(typeof agents)[0], (typeof agents)[0], (typeof agents)[0]];
  const light = await placeExecutor(lightHost.daemon, lightHost.cli.port, 'light', {});
  const heavy = await placeExecutor(heavyHost.daemon, heavyHost.cli.port, 'heavy', { cpu_ms: 20 });
  const workspaceId = await gatewayHost.daemon.createWorkspace([note]);
  const flowFile = join(folder, 'flow.yml');
  writeFileSync(
    flowFile,
    'jtype: Flow\nwith:\n  protocol: grpc\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n' +
      `  - {name: light, external: true, host: 127.0.0.1, port: ${light.port}}\n` +
      `  - {name: heavy, external: true, host: 127.0.0.1, port: ${heavy.port}}\n`,
  );
  const flowId = await gatewayHost.daemon.startFlow({ path: flowFile, name: 'flow.yml' }, workspaceId, { runtime: 'reference' });
  const label = (agent: (typeof agents)[0]) => `127.0.0.1:${agent.cli.port}`;
  const { context } = await loadStepContext({
    daemon: gatewayHost.daemon,
    flowId,
    placedAgents: [
      { label: label(lightHost), daemon: lightHost.daemon, flowIds: [light.id] },
      { label: label(heavyHost), daemon: heavyHost.daemon, flowIds: [heavy.id] },
    ],
  });

  const heavyPid = heavyHost.cli.child.pid!;
  const before = readProcStat(heavyPid)!.cpuTicks;
  const outcome = await runLoadStep(context, 'index', loadParams({ numClients: 4, executionTimeS: 5 }));
  const usedS = (readProcStat(heavyPid)!.cpuTicks - before) / TICKS_PER_SECOND;

  expect(outcome.failure).toBeUndefined();
  const metrics = outcome.report!.hostMetrics!;
  if (metrics.status !== 'sampled') throw new Error(`host metrics: ${metrics.reason}`);
  expect(metrics.agents.map((agent) => [agent.agent, agent.status])).toEqual([gatewayHost, lightHost, heavyHost].map((agent) => [label(agent), 'sampled']));
  // Each agent runs its part in its own process: one row each, saying what it serves.
  const rows = Object.fromEntries(metrics.processes.map((process) => [process.agent, process]));
  expect(rows[label(gatewayHost)]).toMatchObject({ role: 'agent', serves: ['gateway'], pids: [gatewayHost.cli.child.pid] });
  expect(rows[label(lightHost)]).toMatchObject({ role: 'agent', serves: ['light'], pids: [lightHost.cli.child.pid] });
  expect(rows[label(heavyHost)]).toMatchObject({ role: 'agent', serves: ['heavy'], pids: [heavyPid] });
  expect(metrics.busiest).toMatchObject({ agent: label(heavyHost), role: 'agent' });
  expect(metrics.executors[0]).toMatchObject({ name: 'heavy', agents: [label(heavyHost)] });
  const heavyRow = rows[label(heavyHost)]!;
  for (const other of [rows[label(gatewayHost)]!, rows[label(lightHost)]!]) expect(heavyRow.meanCpuCores).toBeGreaterThan(2 * other.meanCpuCores);
  // Ground truth: the CPU /proc says the heavy agent used around the step. The samples inside
  // the phase add up to nearly all of it (the rest: the seconds before and after the phase,
  // where the executor idled).
  const sampledS = heavyRow.seconds.reduce((sum, second) => sum + second.cpuCores, 0);
  // Each request the heavy executor served cost it 20 ms of CPU.
  expect(usedS).toBeGreaterThanOrEqual(0.02 * outcome.report!.okRequests * 0.95);
  expect(sampledS).toBeGreaterThan(usedS * 0.6);
  expect(sampledS).toBeLessThan(usedS * 1.15 + 0.1);

  // The report names it, in the summary, the chart, the CSV and the stats table.
  const { formatStepSummary } = await import('../../src/report/format-step-summary.ts');
  expect(formatStepSummary(outcome.report!)).toContain(`busiest process agent process [heavy] on ${label(heavyHost)}`);
  const chart = outcome.artifacts!.find((artifact) => artifact.name === 'CPU and memory per process')!.body as string;
  expect(chart).toContain(`busiest: agent process [heavy] @ ${label(heavyHost)}`);
  expect(() => new SaxesParser({ xmlns: true }).write(chart).close()).not.toThrow();
  // A CPU and a memory line per process, and each host's total.
  expect(chart.match(/class="process-cpu"/g)).toHaveLength(3);
  expect(chart.match(/class="process-rss"/g)).toHaveLength(3);
  expect(chart.match(/class="host-cpu"/g)).toHaveLength(3);
  const csv = (outcome.artifacts!.find((artifact) => artifact.name === 'host-metrics.csv')!.body as string).trim().split('\n');
  expect(csv[0]).toBe('second,agent,process,role,executor,shard,replica,pids,cpu_cores,rss_mb');
  const heavyLines = csv.filter((line) => line.includes(`${label(heavyHost)},agent process [heavy],agent`));
  expect(heavyLines.length).toBe(heavyRow.seconds.length);
  const hostSeconds = metrics.agents.reduce((sum, agent) => sum + (agent.status === 'sampled' ? agent.seconds.length : 0), 0);
  expect(csv.filter((line) => line.includes(',(host),host,')).length).toBe(hostSeconds);
  // One row per second: never two samples in one second.
  expect(new Set(heavyRow.seconds.map((second) => second.second)).size).toBe(heavyRow.seconds.length);
  const table = renderStatsText(buildStatsTable([outcome.report!]));
  expect(table).toMatch(/heavy peak CPU \/ RSS/);
  expect(buildStatsTable([outcome.report!]).rows[0]!.resources!.heavy!.peakCpuCores).toBe(heavyRow.peakCpuCores);
});
