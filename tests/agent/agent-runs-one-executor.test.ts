import { readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { createTensor } from '../../src/protocol/tensor.ts';
import { startReferenceFlow } from '../../src/reference-runtime/start-reference-flow.ts';
import { hasJina, jinaBin } from '../fidelity/jina-flow-process.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { AGENT_LEDGER_FILE } from '../../src/agent/agent-ledger.ts';
import { acceptsConnections } from '../../src/agent/readiness-probes.ts';
import { waitForProcessGone } from './process-state.ts';
import { startTestAgent, type TestAgent } from './test-agent.ts';

const repo = resolve(import.meta.dirname, '../..');
const indexerPy = readFileSync(join(repo, 'fixtures/executors/v2/indexer.py'));

const acceptsPort = (port: number): Promise<boolean> => acceptsConnections({ host: '127.0.0.1', port }, 1000);

const field = (name: string, content: string) => ({ name, content });

async function createWorkspace(agent: TestAgent, runId: string): Promise<string> {
  const created = await agent.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'indexer.py', content: indexerPy }, field('run_id', runId)] });
  expect(created.status).toBe(201);
  return created.body as string;
}

/** An agent whose process runtime is real Jina (v2): `jina flow` for sharded executors. */
const startProcessAgent = (): Promise<TestAgent> =>
  startTestAgent({ runtime: 'process', jinaBin: jinaBin('v2'), processCommand: [jinaBin('v2'), 'flow', '--uses', '{file}'] });

/**
 * `POST /executors` of the fixture's StressIndexer (indexer.py in a new workspace, not
 * persisting) with `extra` fields; it started (201) and the agent describes it as a running
 * gRPC process. Its id, gateway and the YAML it ran.
 */
async function startIndexer(
  processAgent: TestAgent,
  runId: string,
  extra: ReadonlyArray<{ name: string; content: string }> = [],
): Promise<{ id: string; gateway: { port: number; ports: unknown[] }; yamlSource: string }> {
  const workspaceId = await createWorkspace(processAgent, runId);
  const started = await processAgent.call('POST', '/executors', {
    parts: [
      field('workspace_id', workspaceId), field('name', 'indexer'), field('uses', 'StressIndexer'), field('py_modules', '["indexer.py"]'),
      field('uses_with', '{"persist": false}'), ...extra,
    ],
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const described = await processAgent.call('GET', `/flows/${started.body}`);
  expect(described.body).toMatchObject({ runtime: 'process', state: 'running', gateway: { protocol: 'grpc' } });
  const body = described.body as { gateway: { port: number; ports: unknown[] }; yaml_source: string };
  return { id: started.body as string, gateway: body.gateway, yamlSource: body.yaml_source };
}

/** A reference gateway Flow on this host using the executor the agent runs as `external`. */
/**
 * The executor's process group (from the agent's ledger) is gone after `DELETE /flows/{id}`,
 * and nothing answers on its port any more.
 */
async function expectDeleteStopsItsProcessGroup(processAgent: TestAgent, id: string, port: number): Promise<void> {
  const ledger = JSON.parse(readFileSync(join(processAgent.agent.workspaceRoot, AGENT_LEDGER_FILE), 'utf8')) as { processGroups?: Array<{ pgid: number }> };
  const pgid = ledger.processGroups?.[0]?.pgid;
  expect(pgid).toBeGreaterThan(0);
  expect((await processAgent.call('DELETE', `/flows/${id}`)).status).toBe(200);
  expect(await waitForProcessGone(pgid!, 10_000)).toBe(true);
  expect(await acceptsPort(port)).toBe(false);
}

async function indexAndCount(host: string, port: number): Promise<number> {
  const flow = await startReferenceFlow({
    flowYaml: `jtype: Flow\nwith: {protocol: grpc}\nexecutors:\n  - {name: indexer, uses: StressIndexer, external: true, host: ${host}, port: ${port}}\n`,
    workdir: repo,
  });
  const client = createGatewayClient({ target: { host: '127.0.0.1', port: flow.gateways[0]!.port, protocol: 'grpc', docarray: 'v2' } });
  try {
    await client.connect();
    const docs = [1, 2, 3].map((n) => ({ id: `d${n}`, text: `text ${n}`, embedding: createTensor([n, 1]) }));
    const indexed = await client.post({ endpoint: '/index', docs });
    if (indexed.status !== 'ok') throw new Error(JSON.stringify(indexed).slice(0, 2000));
    const counted = await client.post({ endpoint: '/count', docs: [] });
    if (counted.status !== 'ok') throw new Error(JSON.stringify(counted));
    const results = (counted.response as DataRequest).parameters.__results__ as Record<string, { count: number }>;
    return Object.values(results)[0]!.count;
  } finally {
    await client.close();
    await flow.stop();
  }
}

/** Indexes `count` documents one request each through a reference gateway, then `/count`: per shard. */
async function indexOneByOneAndCount(host: string, port: number, count: number): Promise<Record<string, number>> {
  const flow = await startReferenceFlow({
    flowYaml: `jtype: Flow\nwith: {protocol: grpc}\nexecutors:\n  - {name: indexer, uses: StressIndexer, external: true, host: ${host}, port: ${port}}\n`,
    workdir: repo,
  });
  const client = createGatewayClient({ target: { host: '127.0.0.1', port: flow.gateways[0]!.port, protocol: 'grpc', docarray: 'v2' } });
  try {
    await client.connect();
    for (let n = 1; n <= count; n++) {
      const indexed = await client.post({ endpoint: '/index', docs: [{ id: `d${n}`, text: `text ${n}`, embedding: createTensor([n, 1]) }] });
      if (indexed.status !== 'ok') throw new Error(JSON.stringify(indexed).slice(0, 2000));
    }
    const counted = await client.post({ endpoint: '/count', docs: [] });
    if (counted.status !== 'ok') throw new Error(JSON.stringify(counted));
    const results = (counted.response as DataRequest).parameters.__results__ as Record<string, { count: number }>;
    // The gateway keys the executor's answer by its one address; behind it, the head's by shard.
    const [perShard] = Object.values(results) as unknown as Array<Record<string, { count: number }>>;
    return Object.fromEntries(Object.entries(perShard ?? {}).map(([name, result]) => [name, result.count]));
  } finally {
    await client.close();
    await flow.stop();
  }
}

/**
 * `/count` (polling ALL: one worker of each shard answers) through a reference gateway, asked
 * until every expected worker answered once or 16 times: the names of the workers that answered.
 */
async function workersThatAnswer(host: string, port: number, expected: readonly string[]): Promise<string[]> {
  const flow = await startReferenceFlow({
    flowYaml: `jtype: Flow\nwith: {protocol: grpc}\nexecutors:\n  - {name: indexer, uses: StressIndexer, external: true, host: ${host}, port: ${port}}\n`,
    workdir: repo,
  });
  const client = createGatewayClient({ target: { host: '127.0.0.1', port: flow.gateways[0]!.port, protocol: 'grpc', docarray: 'v2' } });
  const seen = new Set<string>();
  try {
    await client.connect();
    for (let call = 0; call < 16 && !expected.every((name) => seen.has(name)); call++) {
      const counted = await client.post({ endpoint: '/count', docs: [] });
      if (counted.status !== 'ok') throw new Error(JSON.stringify(counted));
      const results = (counted.response as DataRequest).parameters.__results__ as Record<string, Record<string, unknown>>;
      for (const perWorker of Object.values(results)) for (const name of Object.keys(perWorker)) seen.add(name);
    }
    return [...seen].sort();
  } finally {
    await client.close();
    await flow.stop();
  }
}

describe('POST /executors runs one executor for a gateway elsewhere', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ runtime: 'reference', runtimes: ['reference', 'process'], token: 'executor-test-token' });
  });
  afterAll(async () => {
    await agent.agent.close();
  });

  it('reference runtime: serves the executor protocol on its port, is listed as a flow of the run, and DELETE /runs removes it', async () => {
    const workspaceId = await createWorkspace(agent, 'exec-run.1');
    const started = await agent.call('POST', '/executors', {
      parts: [field('workspace_id', workspaceId), field('name', 'indexer'), field('uses', 'StressIndexer'), field('uses_with', '{"top_k": 2}')],
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const described = await agent.call('GET', `/flows/${started.body}`);
    expect(described.body).toMatchObject({ runtime: 'reference', state: 'running', workspace_id: workspaceId, run_id: 'exec-run.1', gateway: { protocol: 'grpc' } });
    const { port } = described.body.gateway as { port: number };
    expect(await indexAndCount('127.0.0.1', port)).toBe(3);

    const removed = await agent.call('DELETE', '/runs/exec-run.1');
    expect(removed.status).toBe(200);
    expect((await agent.call('GET', '/flows')).body.size).toBe(0);
    expect(await acceptsPort(port)).toBe(false);
  });

  it('process runtime: `jina executor` in the workspace, ready when endpoint discovery answers; DELETE /flows kills its process group', async (context) => {
    if (!hasJina('v2')) return skipOrFail(context, '.jina-envs/v2 is missing: run scripts/setup-jina.sh');
    const processAgent = await startProcessAgent();
    try {
      const { id, gateway: { port } } = await startIndexer(processAgent, 'exec-run.2');
      expect(await indexAndCount('127.0.0.1', port)).toBe(3);
      await expectDeleteStopsItsProcessGroup(processAgent, id, port);
    } finally {
      await processAgent.agent.close();
    }
  }, 120_000);

  it('process runtime, shards: 2: one Deployment whose head answers on the port and merges both shards; DELETE /flows kills head and shards', async (context) => {
    if (!hasJina('v2')) return skipOrFail(context, '.jina-envs/v2 is missing: run scripts/setup-jina.sh');
    const processAgent = await startProcessAgent();
    try {
      const { id, gateway: { port } } = await startIndexer(processAgent, 'exec-run.5', [field('shards', '2'), field('polling', '{"/index": "ANY", "*": "ALL"}')]);
      // One address for the gateway: /index (ANY) lands on one shard per request, /count (ALL) asks both.
      const counts = await indexOneByOneAndCount('127.0.0.1', port, 6);
      expect(Object.keys(counts).sort()).toEqual(['indexer/shard-0/rep-0', 'indexer/shard-1/rep-0']);
      expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(6);
      for (const count of Object.values(counts)) expect(count).toBeGreaterThan(0);
      await expectDeleteStopsItsProcessGroup(processAgent, id, port);
    } finally {
      await processAgent.agent.close();
    }
  }, 120_000);

  it('process runtime, shards: 2, replicas: 2: the head sends each shard\'s requests to both of its replicas, still one address', async (context) => {
    if (!hasJina('v2')) return skipOrFail(context, '.jina-envs/v2 is missing: run scripts/setup-jina.sh');
    const processAgent = await startProcessAgent();
    try {
      const { id, gateway: { port, ports }, yamlSource } = await startIndexer(processAgent, 'exec-run.6', [field('shards', '2'), field('replicas', '2'), field('polling', 'ALL')]);
      expect(yamlSource).toContain('shards: 2\nreplicas: 2\n');
      expect(ports).toHaveLength(1);
      const workers = ['indexer/shard-0/rep-0', 'indexer/shard-0/rep-1', 'indexer/shard-1/rep-0', 'indexer/shard-1/rep-1'];
      expect(await workersThatAnswer('127.0.0.1', port, workers)).toEqual(workers);
      await expectDeleteStopsItsProcessGroup(processAgent, id, port);
    } finally {
      await processAgent.agent.close();
    }
  }, 120_000);

  describe('hostile requests start nothing', () => {
    let workspaceId: string;
    beforeAll(async () => {
      workspaceId = await createWorkspace(agent, 'exec-run.3');
      symlinkSync('/etc/passwd', join(agent.agent.workspaceRoot, workspaceId, 'passwd.py'));
    });
    const valid = () => [field('workspace_id', workspaceId), field('name', 'indexer'), field('uses', 'StressIndexer')];
    const replace = (name: string, content: string) => [...valid().filter((part) => part.name !== name), field(name, content)];

    it.each([
      ['a name with shell characters', () => replace('name', 'x; rm -rf /'), 422, 'name'],
      ['the reserved name gateway', () => replace('name', 'gateway'), 422, 'reserved'],
      ['uses as a path', () => replace('uses', '../../evil.yml'), 422, 'class name'],
      ['uses as a hub address', () => replace('uses', 'jinaai://jina-ai/Evil'), 422, 'class name'],
      ['uses as a Docker image', () => replace('uses', 'docker://evil:latest'), 422, 'class name'],
      ['py_modules outside the workspace', () => [...valid(), field('py_modules', '["../../../etc/passwd.py"]')], 422, 'inside the workspace'],
      ['an absolute py_modules path', () => [...valid(), field('py_modules', '["/etc/x.py"]')], 422, 'inside the workspace'],
      ['a py_modules link leading out', () => [...valid(), field('py_modules', '["passwd.py"]')], 422, 'inside the workspace'],
      ['py_modules not a list', () => [...valid(), field('py_modules', '"indexer.py"')], 422, 'JSON list'],
      ['uses_with not an object', () => [...valid(), field('uses_with', '[1,2]')], 422, 'JSON object'],
      ['uses_with not JSON', () => [...valid(), field('uses_with', '{top_k: 2')], 422, 'not JSON'],
      ['a privileged port', () => [...valid(), field('port', '22')], 422, 'port'],
      ['a port that is not a number', () => [...valid(), field('port', '80; curl x')], 422, 'port'],
      ['an unknown docarray', () => [...valid(), field('docarray', 'v3')], 422, 'docarray'],
      ['no workspace', () => valid().filter((part) => part.name !== 'workspace_id'), 422, 'workspace_id'],
      ['a workspace id that escapes', () => replace('workspace_id', '../..'), 422, ''],
      ['an unknown workspace', () => replace('workspace_id', 'nope'), 404, 'nope'],
      ['an environment that decides what code runs', () => [...valid(), field('environment', '{"LD_PRELOAD": "/tmp/x.so"}')], 422, 'LD_PRELOAD'],
      ['a runtime that does not exist', () => [...valid(), field('runtime', 'docker')], 400, 'docker'],
      ['shards that are not a whole number', () => [...valid(), field('runtime', 'process'), field('shards', '1.5')], 422, 'shards must be a whole number from 1 to 16'],
      ['zero shards', () => [...valid(), field('runtime', 'process'), field('shards', '0')], 422, 'shards must be a whole number from 1 to 16'],
      ['17 shards', () => [...valid(), field('runtime', 'process'), field('shards', '17')], 422, 'shards must be a whole number from 1 to 16'],
      ['shards with a command in them', () => [...valid(), field('runtime', 'process'), field('shards', '2 --uses-before x')], 422, 'shards must be a whole number'],
      ['shards on the reference runtime', () => [...valid(), field('shards', '2')], 422, 'reference runtime serves one shard per executor'],
      ['replicas that are not a whole number', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('replicas', '1.5')], 422, 'replicas must be a whole number from 1 to 16'],
      ['zero replicas', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('replicas', '0')], 422, 'replicas must be a whole number from 1 to 16'],
      ['17 replicas', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('replicas', '17')], 422, 'replicas must be a whole number from 1 to 16'],
      ['replicas as a word', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('replicas', 'two')], 422, 'replicas must be a whole number from 1 to 16'],
      ['replicas with a command in them', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('replicas', '2 --uses-after x')], 422, 'replicas must be a whole number'],
      ['a negative number of replicas', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('replicas', '-2')], 422, 'replicas must be a whole number'],
      ['replicas of an unsharded executor (no head in front of them)', () => [...valid(), field('runtime', 'process'), field('replicas', '2')], 422, 'replicas needs shards above 1'],
      ['replicas on the reference runtime', () => [...valid(), field('replicas', '2')], 422, 'replicas needs shards above 1'],
      ['shards and shard_count together', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('shard_count', '2')], 422, 'exclude each other'],
      ['polling that is no mode', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('polling', 'SOMETIMES')], 422, 'polling must be'],
      ['polling with an endpoint that is no path', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('polling', '{"/x; rm -rf /": "ANY"}')], 422, 'polling must be'],
      ['polling with a mode that is no mode', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('polling', '{"*": "!!python/object"}')], 422, 'polling must be'],
      ['polling without shards', () => [...valid(), field('runtime', 'process'), field('polling', 'ALL')], 422, 'needs shards above 1'],
      ['uses_with of a sharded executor that Jina would substitute', () => [...valid(), field('runtime', 'process'), field('shards', '2'), field('uses_with', '{"top_k": "${{ ENV.HOME }}"}')], 422, 'must not contain'],
    ])('%s', async (_what, parts, status, text) => {
      const answer = await agent.call('POST', '/executors', { parts: parts() });
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(JSON.stringify(answer.body)).toContain(text);
      expect((await agent.call('GET', '/flows')).body.size).toBe(0);
    });

    it('a runtime the agent did not enable is 403', async () => {
      const referenceOnly = await startTestAgent({ runtime: 'reference', runtimes: ['reference'] });
      try {
        const id = await createWorkspace(referenceOnly, 'exec-run.4');
        const answer = await referenceOnly.call('POST', '/executors', { parts: [field('workspace_id', id), field('name', 'indexer'), field('uses', 'StressIndexer'), field('runtime', 'process')] });
        expect(answer.status).toBe(403);
        expect((await referenceOnly.call('GET', '/flows')).body.size).toBe(0);
      } finally {
        await referenceOnly.agent.close();
      }
    });

    it('without the token, or from a web page, nothing is started', async () => {
      const noToken = await fetch(`${agent.address.url}/executors`, { method: 'POST', headers: { 'x-jina-stress': '1' } });
      expect(noToken.status).toBe(401);
      const fromPage = await agent.call('POST', '/executors', { parts: valid(), asBrowser: true, headers: { origin: 'https://evil.example', authorization: 'Bearer executor-test-token' } });
      expect(fromPage.status).toBe(403);
      expect((await agent.call('GET', '/flows')).body.size).toBe(0);
    });
  });
});
