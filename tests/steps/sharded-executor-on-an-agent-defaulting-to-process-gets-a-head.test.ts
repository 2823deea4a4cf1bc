import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netnsUnavailableReason, type TestHost } from '../support/netns-hosts.ts';
import { agentGet, agentHoldings, processesSinceStart, startHostsWithAgents, type HostAgent, type HostsWithAgents } from '../support/namespace-agents.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { createStressProject, statesOf, type StressProject } from '../vitest/support/stress-project.ts';
import { jinaEnvironment } from '../e2e/support/real-jina-run.ts';

const token = 'default-runtime-head-token';
const repoRoot = resolve(import.meta.dirname, '../..');
const environment = jinaEnvironment('v2');
const unavailable = netnsUnavailableReason() ?? (environment.status === 'missing' ? environment.reason : undefined);

const flow = `jtype: Flow
with:
  protocol: grpc
  port: \${{ ENV.JINA_PORT }}
executors:
  - {name: encoder, uses: StressEncoder, py_modules: [encoder.py], uses_with: {dim: 16}, replicas: 2}
  - {name: indexer, uses: StressIndexer, py_modules: [indexer.py], uses_with: {top_k: 3}, shards: 2, replicas: 2, polling: {'/index': ANY, '*': ALL}}
`;

/** What an agent's API lists while the run goes on: every record it held, by id, with its source and runtime. */
function watchRecords(agent: HostAgent): { records: Map<string, { yaml_source: string; runtime: string }>; stop(): Promise<void> } {
  const records = new Map<string, { yaml_source: string; runtime: string }>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const listed = (await agentGet(agent, '/flows', token).catch(() => ({}))) as { items?: Record<string, { yaml_source: string; runtime: string }> };
      for (const [id, item] of Object.entries(listed.items ?? {})) records.set(id, { yaml_source: item.yaml_source, runtime: item.runtime });
      await new Promise((done) => setTimeout(done, 100));
    }
  })();
  return {
    records,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe('a sharded executor placed on an agent whose default runtime is process', () => {
  let setup: HostsWithAgents | undefined;
  let project: StressProject | undefined;
  afterAll(async () => {
    await setup?.close();
    await project?.remove();
  });

  it('with no `runtime:` in the step, the agent runs ONE sharded Deployment, its replicas behind Jina\'s head; an unsharded one\'s replicas are not started and the log says so', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    const python = (environment as { python: string }).python;
    // `--runtimes process,reference`: the first is the agent's default.
    setup = await startHostsWithAgents(2, 'jst-default-runtime-', { token, runtimes: 'process,reference', env: { JINA_PYTHON: python } });
    const [a, c] = setup.hosts as [TestHost, TestHost];
    const agentC = setup.agents[1] as HostAgent;
    project = await createStressProject(`jobs:
  default-runtime:
    daemon: { host: ${a.address}, port: 8000, token: "\${DEFAULT_RUNTIME_TOKEN}" }
    hosts: { encoder: ${c.address}, indexer: ${c.address} }
    steps:
      - { method: create_workspace, files: [${['encoder.py', 'indexer.py'].map((name) => join(repoRoot, 'fixtures/executors/v2', name)).join(', ')}, flow.yml] }
      - { method: start_flow, file: flow.yml, timeout_ready: 90 }
      - method: terminate_flow
      - method: delete_workspace
`);
    await writeFile(join(project.dir, 'flow.yml'), flow);
    const watch = watchRecords(agentC);
    const run = await project.run([], { env: { DEFAULT_RUNTIME_TOKEN: token } }).finally(() => watch.stop());
    expect(run.exitCode, run.output).toBe(0);
    expect(Object.values(statesOf(run)).every((state) => state === 'passed'), JSON.stringify(statesOf(run))).toBe(true);

    // Host C held one record per executor, both on the process runtime: the indexer's is the
    // whole Deployment, 2 shards × 2 replicas behind the head; the encoder's one `jina executor`.
    const records = [...watch.records.values()].sort((a, b) => a.yaml_source.localeCompare(b.yaml_source));
    expect(records.map((record) => record.runtime)).toEqual(['process', 'process']);
    expect(records.map((record) => /^name: (\w+)$/m.exec(record.yaml_source)?.[1])).toEqual(['encoder', 'indexer']);
    expect(records[0]!.yaml_source).not.toContain('replicas');
    expect(records[1]!.yaml_source).toContain('shards: 2\nreplicas: 2\n');
    const started = (name: string) => agentC.output().split('\n').filter((line) => line.includes(`executor ${name} (`));
    expect(started('indexer')).toHaveLength(1);
    expect(started('indexer')[0]).toMatch(/\(process, grpc:\d+, 2 shards × 2 replicas behind its head\)/);
    expect(started('encoder')).toHaveLength(1);
    expect(started('encoder')[0]).toMatch(/\(process, grpc:\d+\)/);
    expect(run.output).toContain(`executor encoder@${c.address}: replicas: 2 not started`);

    for (const agent of setup.agents) {
      expect(await agentHoldings(agent, token)).toEqual({ flows: [], workspaces: [], onDisk: [] });
      expect(processesSinceStart(agent)).toEqual([]);
    }
  }, 240_000);
});
