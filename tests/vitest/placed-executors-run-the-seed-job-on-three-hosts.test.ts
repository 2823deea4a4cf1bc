import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netnsUnavailableReason, type TestHost } from '../support/netns-hosts.ts';
import { agentHoldings, processesSinceStart, startHostsWithAgents, type HostAgent, type HostsWithAgents } from '../support/namespace-agents.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject } from './support/stress-project.ts';

const token = 'placed-executors-token';
const unavailable = netnsUnavailableReason();

/** The seed's index → query job (as configs/local.yaml), placed by the job's `hosts:` map. */
function placedJob(name: string, protocol: 'grpc' | 'websocket' | 'http', a: TestHost, b: TestHost, c: TestHost): string {
  return `
  ${name}:
    daemon: { host: ${a.address}, port: 8000, token: "\${PLACED_AGENT_TOKEN}" }
    hosts: { encoder: ${b.address}, indexer: "${c.address}:8000" }
    steps:
      - method: create_workspace
        files: [${referenceFlow(`index-${protocol}.yml`)}, ${referenceFlow(`query-${protocol}.yml`)}]
      - method: start_flow
        file: ${referenceFlow(`index-${protocol}.yml`)}
      - method: index
        execution_time: 2
        client: ${protocol}
        num_clients: 2
        request_size: 10
        inputs: { method: random_images, kwargs: { num_docs: 40, shape: [16, 16, 3] } }
        on_always: { method: validate_images }
        thresholds: { error_rate: 0 }
      - method: terminate_flow
      - method: start_flow
        file: ${referenceFlow(`query-${protocol}.yml`)}
      - method: query
        execution_time: 2
        client: ${protocol}
        num_clients: 2
        request_size: 5
        top_k: 5
        inputs: { method: random_images, kwargs: { num_docs: 10, seed: 7, shape: [16, 16, 3] } }
        on_always: { method: validate_images, kwargs: { top_k: 5, required_tags: [filename] } }
        thresholds: { error_rate: 0 }
      - method: terminate_flow
      - method: delete_workspace`;
}

describe('the seed job with its executors on other hosts, through the plugin', () => {
  let setup: HostsWithAgents | undefined;
  let project: StressProject | undefined;
  afterAll(async () => {
    await setup?.close();
    await project?.remove();
  });

  it('encoder on B, 2-shard indexer on C, gateway on A: every protocol passes with its matches, and every host is left empty', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    setup = await startHostsWithAgents(3, 'jst-placed-', { token });
    const [a, b, c] = setup.hosts as [TestHost, TestHost, TestHost];
    const [agentA, agentB, agentC] = setup.agents as [HostAgent, HostAgent, HostAgent];

    const protocols = ['grpc', 'websocket', 'http'] as const;
    project = await createStressProject(
      `jobs:${protocols.map((protocol) => placedJob(`placed-${protocol}`, protocol, a, b, c)).join('\n')}
      - method: collect_stats
`,
    );
    const run = await project.run([], { env: { PLACED_AGENT_TOKEN: token } });
    expect(run.exitCode, run.output).toBe(0);
    const states = statesOf(run);
    expect(Object.keys(states)).toHaveLength(3 * 8 + 1);
    expect(Object.values(states).every((state) => state === 'passed'), JSON.stringify(states)).toBe(true);

    // Each agent started what the config placed on its host, and only that: the encoder on B,
    // both indexer shards on C (index and query Flow of three jobs), the gateways on A.
    const executorLines = (agent: HostAgent, name: string) => agent.output().split('\n').filter((line) => line.includes(`executor ${name} (`) && line.includes('ready in'));
    expect(executorLines(agentB, 'encoder')).toHaveLength(protocols.length * 2);
    expect(executorLines(agentC, 'indexer')).toHaveLength(protocols.length * 2 * 2);
    expect(executorLines(agentA, 'encoder').length + executorLines(agentA, 'indexer').length + executorLines(agentB, 'indexer').length + executorLines(agentC, 'encoder').length).toBe(0);
    // The gateway on A reached them: per-executor times are named with their hosts, for every protocol.
    const stats = await readFile(join(project.reportsDir, 'stats.md'), 'utf8');
    const header = stats.split('\n').find((line) => line.includes('Task')) ?? '';
    expect(header).toContain(`encoder@${b.address}`);
    expect(header).toContain(`indexer@${c.address}`);
    expect(header).toContain('ranker');
    expect(header).not.toContain('ranker@');
    const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
    const columns = cells(header);
    const rows = stats.split('\n').filter((line) => /^\|\s*placed-\w+ \/ (index|query)\s*\|/.test(line)).map(cells);
    expect(rows.map((row) => row[0]), stats).toEqual(protocols.flatMap((protocol) => [`placed-${protocol} / index`, `placed-${protocol} / query`]));
    // gRPC and WebSocket carry the routes (a docarray-v2 HTTP gateway returns none, as Jina's).
    for (const row of rows.filter((cells) => !cells[0]!.startsWith('placed-http'))) {
      for (const column of [`encoder@${b.address} (ms)`, `indexer@${c.address} (ms)`]) expect(Number(row[columns.indexOf(column)]), `${row[0]} ${column}`).toBeGreaterThan(0);
    }
    expect(run.output).toMatch(new RegExp(`executor indexer@${c.address.replaceAll('.', '\\.')} ready in [\\d.]+s \\(2 shard`));

    // Nothing left: no flow or executor in any agent's API, no workspace on disk, no process.
    for (const agent of setup.agents) {
      expect(await agentHoldings(agent, token)).toEqual({ flows: [], workspaces: [], onDisk: [] });
      expect(processesSinceStart(agent)).toEqual([]);
    }
  }, 240_000);
});
