import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netnsUnavailableReason, type TestHost } from '../support/netns-hosts.ts';
import { agentHoldings, processesSinceStart, startHostsWithAgents, type HostAgent, type HostsWithAgents } from '../support/namespace-agents.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { createStressProject, statesOf, type StressProject } from '../vitest/support/stress-project.ts';
import { jinaEnvironment } from './support/real-jina-run.ts';

const token = 'real-jina-hosts-token';
const repoRoot = resolve(import.meta.dirname, '../..');
const environment = jinaEnvironment('v2');
const unavailable = netnsUnavailableReason() ?? (environment.status === 'missing' ? environment.reason : undefined);

/**
 * The e2e Flows' executors (fixtures/executors/v2) with the indexer in 2 shards: /index goes to
 * one shard, /search to both. On the process runtime host C runs the whole Deployment (Jina's
 * head and both shards) and the gateway on A wires the head as one external address.
 */
const flow = (protocol: string) => `jtype: Flow
with:
  protocol: ${protocol}
  port: \${{ ENV.JINA_PORT }}
executors:
  - {name: encoder, uses: StressEncoder, py_modules: [encoder.py], uses_with: {dim: 16}}
  - {name: indexer, uses: StressIndexer, py_modules: [indexer.py], uses_with: {top_k: 3}, shards: 2, polling: {'/index': ANY, '*': ALL}}
`;

describe('real Jina 3.34: executors on their hosts, the gateway on another', () => {
  let setup: HostsWithAgents | undefined;
  let project: StressProject | undefined;
  afterAll(async () => {
    await setup?.close();
    await project?.remove();
  });

  it('`jina executor` on B, a 2-shard Deployment on C, `jina flow` on A wiring them as external: index then query over gRPC, HTTP and WebSocket, matches from both shards', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    const python = (environment as { python: string }).python;
    setup = await startHostsWithAgents(3, 'jst-real-hosts-', { token, runtimes: 'reference,process', env: { JINA_PYTHON: python } });
    const [a, b, c] = setup.hosts as [TestHost, TestHost, TestHost];
    const [agentA, agentB, agentC] = setup.agents as [HostAgent, HostAgent, HostAgent];
    const executors = ['encoder.py', 'indexer.py'].map((name) => join(repoRoot, 'fixtures/executors/v2', name));
    const protocols = ['grpc', 'http', 'websocket'] as const;
    const job = (protocol: string) => `
  real-hosts-${protocol}:
    daemon: { host: ${a.address}, port: 8000, token: "\${REAL_HOSTS_TOKEN}" }
    hosts: { encoder: ${b.address}, indexer: ${c.address} }
    steps:
      - method: create_workspace
        files: [${executors.join(', ')}, index-${protocol}.yml, query-${protocol}.yml]
      - { method: start_flow, file: index-${protocol}.yml, runtime: process, timeout_ready: 90 }
      - method: index
        client: ${protocol}
        execution_time: 3
        num_clients: 2
        request_size: 10
        # Far more documents than 3 s can send: each is indexed once, so the shards hold disjoint sets.
        inputs: { method: random_texts, kwargs: { num_docs: 50000 } }
        on_always: { method: validate_texts, kwargs: { embedding_dim: 16 } }
        thresholds: { error_rate: 0 }
      - method: terminate_flow
      - { method: start_flow, file: query-${protocol}.yml, runtime: process, timeout_ready: 90 }
      - method: query
        client: ${protocol}
        execution_time: 2
        num_clients: 2
        request_size: 5
        top_k: 3
        inputs: { method: random_texts, kwargs: { num_docs: 10, seed: 7 } }
        # top_k 3 from each shard, merged by the head: 6 matches only when both shards answered with documents.
        on_always: { method: validate_texts, kwargs: { top_k: 6, required_tags: [filename], embedding_dim: 16 } }
        thresholds: { error_rate: 0 }
      - method: terminate_flow
      - method: delete_workspace`;
    project = await createStressProject(`jobs:${protocols.map(job).join('\n')}
      - method: collect_stats
`);
    for (const protocol of protocols) {
      await writeFile(join(project.dir, `index-${protocol}.yml`), flow(protocol));
      await writeFile(join(project.dir, `query-${protocol}.yml`), flow(protocol));
    }
    const run = await project.run([], { env: { REAL_HOSTS_TOKEN: token } });
    expect(run.exitCode, run.output).toBe(0);
    const states = statesOf(run);
    expect(Object.keys(states)).toHaveLength(3 * 8 + 1);
    expect(Object.values(states).every((state) => state === 'passed'), JSON.stringify(states)).toBe(true);

    // Each agent ran real Jina for its part: `jina executor` on B, the sharded Deployment on C, the gateway's Flow on A.
    const started = (agent: HostAgent, name: string, shape = '') => agent.output().split('\n').filter((line) => line.includes(`executor ${name} (`) && line.includes('(process,') && line.includes(shape)).length;
    expect([started(agentB, 'encoder'), started(agentC, 'indexer', '2 shards behind its head'), started(agentA, 'encoder') + started(agentA, 'indexer')]).toEqual([6, 6, 0]);
    const stats = await readFile(join(project.reportsDir, 'stats.md'), 'utf8');
    const header = stats.split('\n').find((line) => line.includes('Task')) ?? '';
    expect(header).toContain(`encoder@${b.address}`);
    expect(header).toContain(`indexer@${c.address}`);
    // Jina's docarray-v2 HTTP gateway returns no routes: executor times come from gRPC and WebSocket.
    const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
    const column = cells(header).indexOf(`indexer@${c.address} (ms)`);
    const timed = stats.split('\n').filter((line) => /^\|\s*real-hosts-(grpc|websocket) \/ (index|query)/.test(line)).map((line) => Number(cells(line)[column]));
    expect(timed).toHaveLength(4);
    for (const ms of timed) expect(ms).toBeGreaterThan(0);

    for (const agent of setup.agents) {
      expect(await agentHoldings(agent, token)).toEqual({ flows: [], workspaces: [], onDisk: [] });
      expect(processesSinceStart(agent)).toEqual([]);
    }
  }, 400_000);
});
