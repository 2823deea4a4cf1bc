import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeLeftovers } from '../../src/vitest/remove-leftovers.ts';
import { netnsUnavailableReason, type TestHost } from '../support/netns-hosts.ts';
import { agentGet, agentHoldings, processesSinceStart, startHostsWithAgents, type HostAgent, type HostsWithAgents } from '../support/namespace-agents.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { createStressProject, statesOf, type StressProject } from './support/stress-project.ts';

const token = 'cut-host-token';
const unavailable = netnsUnavailableReason();

// timeout_send: a call to a shard on a host that fell off the network gives up after 1 s and
// the request fails naming the executor, instead of waiting out the phase.
const flow = `jtype: Flow
with: {protocol: grpc}
executors:
  - {name: encoder, uses: ReferenceEncoder, uses_with: {dim: 16}}
  - {name: indexer, uses: ReferenceIndexer, uses_with: {workspace: index}, shards: 2, timeout_send: 1000}
`;

describe('a host cut off in the middle of a load step, through the plugin', () => {
  let setup: HostsWithAgents | undefined;
  let project: StressProject | undefined;
  afterAll(async () => {
    await setup?.close();
    await project?.remove();
  });

  it('fails the step on the indexer of host C by name and address; A and B are cleaned by the teardown, C once its link is back', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    setup = await startHostsWithAgents(3, 'jst-cut-', { token });
    const [a, b, c] = setup.hosts as [TestHost, TestHost, TestHost];
    const [agentA, agentB, agentC] = setup.agents as [HostAgent, HostAgent, HostAgent];

    project = await createStressProject(`
jobs:
  cut:
    daemon: { host: ${a.address}, port: 8000, token: "\${CUT_AGENT_TOKEN}" }
    hosts: { encoder: ${b.address}, indexer: ${c.address} }
    steps:
      - method: create_workspace
        files: [flow.yml]
      - method: start_flow
        file: flow.yml
      - method: index
        execution_time: 8
        client: grpc
        num_clients: 2
        request_size: 5
        inputs: { method: random_texts, kwargs: { num_docs: 50 } }
        thresholds: { error_rate: 0 }
      - method: terminate_flow
      - method: delete_workspace
`);
    await writeFile(join(project.dir, 'flow.yml'), flow);

    // Cut C once the gateway on A has served requests through it: its indexer's routes are in
    // the log of the running phase (progress lines), or, failing that, a moment after it starts.
    let cutAt: number | undefined;
    const run = await project.run([], {
      env: { CUT_AGENT_TOKEN: token },
      onOutput: (chunk) => {
        if (cutAt === undefined && chunk.includes('closed model against')) {
          cutAt = Date.now();
          setTimeout(() => c.cut(), 2_000);
        }
      },
    });
    expect(cutAt, run.output).toBeDefined();
    expect(run.exitCode, run.output).not.toBe(0);
    const states = statesOf(run);
    expect(states['cut › create_workspace']).toBe('passed');
    expect(states['cut › start_flow']).toBe('passed');
    expect(states['cut › index']).toBe('failed');

    // The failure names the indexer on C and C's address; the steps that cleaned up name C's
    // agent as the one they could not reach.
    const indexFailure = run.output.split('\n').find((line) => line.includes('Threshold breached in cut/index')) ?? '';
    expect(indexFailure, run.output).toMatch(/error_rate measured 0\.\d+, limit 0 \[errors: /);
    expect(indexFailure).toContain(`indexer@${c.address}`);
    expect(indexFailure).not.toContain(`encoder@`);
    expect(run.output).toContain(`on ${c.address}:8000`);
    expect(run.output).not.toContain(`on ${b.address}:8000:`);

    // A and B hold nothing: the teardown reached them while C was cut off.
    for (const agent of [agentA, agentB]) {
      expect(await agentHoldings(agent, token)).toEqual({ flows: [], workspaces: [], onDisk: [] });
      expect(processesSinceStart(agent)).toEqual([]);
    }
    // C still holds the run's executors and workspace; once back, removing the run by its id
    // (what the run's end, the Ctrl+C remover and the lease do) leaves it empty.
    c.restore();
    let held: any;
    for (let attempt = 0; attempt < 40 && held === undefined; attempt++) {
      held = await agentGet(agentC, '/flows', token).catch(() => undefined);
      if (held === undefined) await new Promise((done) => setTimeout(done, 250));
    }
    const runIds = new Set(Object.values(held.items as Record<string, { run_id?: string }>).map((item) => item.run_id));
    expect(Object.keys(held.items)).toHaveLength(2);
    expect(runIds.size).toBe(1);
    const [runId] = [...runIds] as [string];
    const [removal] = await removeLeftovers({ runId, daemons: [{ host: c.address, port: 8000, token }] });
    expect(removal).toMatchObject({ status: 'removed', workspaces: [expect.any(String)] });
    expect(await agentHoldings(agentC, token)).toEqual({ flows: [], workspaces: [], onDisk: [] });
    expect(processesSinceStart(agentC)).toEqual([]);
  }, 240_000);
});
