import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netnsUnavailableReason, type TestHost } from '../support/netns-hosts.ts';
import { agentHoldings, processesSinceStart, startHostsWithAgents, type HostAgent, type HostsWithAgents } from '../support/namespace-agents.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject } from './support/stress-project.ts';

const token = 'seed-remote-token';
const unavailable = netnsUnavailableReason();

/**
 * The seed's 1.x Flows as its remote configs wrote them: pods carry `host: {{ X_HOST }}`,
 * filled from the instances.yaml the infrastructure wrote. Only the host lines are added to
 * the fixtures; the config names no `hosts:` and no daemon (the seed's JINA_GATEWAY_HOST).
 */
function seedRemoteFlow(name: string): string {
  return readFileSync(referenceFlow(`seed/${name}`), 'utf8')
    .replace(/(  - name: encoder\n)/, '$1    host: {{ JINA_ENCODER_HOST }}\n')
    .replace(/(  - name: vec_idx\n)/, '$1    host: {{ JINA_VEC_INDEXER_HOST }}\n');
}

describe("the seed's remote Flow style, unchanged", () => {
  let setup: HostsWithAgents | undefined;
  let project: StressProject | undefined;
  afterAll(async () => {
    await setup?.close();
    await project?.remove();
  });

  it('pods with host: {{ X_HOST }} from instances.yaml start on those hosts, the rest with the gateway', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    setup = await startHostsWithAgents(3, 'jst-seed-remote-', { token });
    const [a, b, c] = setup.hosts as [TestHost, TestHost, TestHost];
    const [agentA, agentB, agentC] = setup.agents as [HostAgent, HostAgent, HostAgent];

    const environment = '{ JINA_GATEWAY_PORT_EXPOSE: 23456, JINA_ENCODER_SHARDS: 2, JINA_VEC_INDEXER_SHARDS: 2, JINA_GATEWAY_REST: false }';
    project = await createStressProject(`
jobs:
  images-stress-test:
    steps:
      - method: create_workspace
        files: [encoder.yml, vec.yml, kv.yml, index.yml, query.yml]
        environment: ${environment}
      - method: start_flow
        file: index.yml
        environment: ${environment}
      - method: index
        execution_time: 2
        inputs: { method: random_images, kwargs: { num_docs: 10, shape: [16, 16, 3] } }
        on_always: { method: validate_images, kwargs: { type: Numpy+BinaryPb } }
        client: grpc
        num_clients: 2
        request_size: 10
      - method: terminate_flow
      - method: start_flow
        file: query.yml
        environment: ${environment}
      - method: query
        execution_time: 2
        top_k: 5
        inputs: { method: random_images, kwargs: { num_docs: 5, shape: [16, 16, 3] } }
        on_always: { method: validate_images }
      - method: terminate_flow
      - method: delete_workspace
      - method: collect_stats
        slack: false
`);
    for (const name of ['encoder.yml', 'vec.yml', 'kv.yml']) await writeFile(join(project.dir, name), readFileSync(referenceFlow(`seed/${name}`)));
    for (const name of ['index.yml', 'query.yml']) await writeFile(join(project.dir, name), seedRemoteFlow(name));
    await writeFile(join(project.dir, 'instances.yaml'), `instances:\n  JINA_ENCODER_HOST: ${b.address}\n  JINA_VEC_INDEXER_HOST: ${c.address}\n`);

    // The seed's environment variables: the daemon (and gateway) host, and the agents' token.
    const run = await project.run([], { env: { JINA_GATEWAY_HOST: a.address, JINA_STRESS_AGENT_TOKEN: token } });
    expect(run.exitCode, run.output).toBe(0);
    expect(Object.values(statesOf(run))).toEqual(Array(9).fill('passed'));

    // Each pod ran where instances.yaml put it: 2 encoder shards on B, 2 vec_idx shards on C,
    // per Flow; doc_idx stayed with the gateway on A.
    const started = (agent: HostAgent, name: string) => agent.output().split('\n').filter((line) => line.includes(`executor ${name} (`) && line.includes('ready in')).length;
    expect([started(agentB, 'encoder'), started(agentC, 'vec_idx')]).toEqual([4, 4]);
    expect(started(agentA, 'encoder') + started(agentA, 'vec_idx') + started(agentB, 'vec_idx') + started(agentC, 'encoder')).toBe(0);
    const stats = await readFile(join(project.reportsDir, 'stats.md'), 'utf8');
    const header = stats.split('\n').find((line) => line.includes('Task')) ?? '';
    for (const column of [`encoder@${b.address}`, `vec_idx@${c.address}`, 'doc_idx (ms)']) expect(header).toContain(column);
    // The gateway listened where the seed's template said: port_expose on host A.
    expect(run.output).toContain(`at grpc://${a.address}:23456`);

    for (const agent of setup.agents) {
      expect(await agentHoldings(agent, token)).toEqual({ flows: [], workspaces: [], onDisk: [] });
      expect(processesSinceStart(agent)).toEqual([]);
    }
  }, 240_000);
});
