import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayClient } from '../../src/gateway/gateway-client.ts';
import { createTestHosts, netnsUnavailableReason, type TestHost, type TestHosts } from '../support/netns-hosts.ts';
import { processesSinceStart, startHostAgent, stopHostAgents, type HostAgent } from '../support/namespace-agents.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { multipartBody, type MultipartPart } from './multipart-body.ts';

const token = 'namespace-hosts-token';
const runId = 'cut-link.1';
const unavailable = netnsUnavailableReason();

async function call(agent: HostAgent, method: string, path: string, parts?: MultipartPart[], timeoutMs = 10_000): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-jina-stress': '1' };
  let body: Buffer | undefined;
  if (parts) {
    const multipart = multipartBody(parts);
    body = multipart.body;
    headers['content-type'] = multipart.contentType;
  }
  const response = await fetch(`${agent.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

const field = (name: string, content: string): MultipartPart => ({ name, content });

async function createWorkspace(agent: HostAgent): Promise<void> {
  const answer = await call(agent, 'POST', '/workspaces', [{ name: 'files', filename: 'README.txt', content: 'placed executors' }, field('workspace_id', 'ws-cut'), field('run_id', runId)]);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
}

async function startExecutor(agent: HostAgent, name: string, uses: string, usesWith: object): Promise<{ host: string; port: number }> {
  const started = await call(agent, 'POST', '/executors', [field('workspace_id', 'ws-cut'), field('name', name), field('uses', uses), field('uses_with', JSON.stringify(usesWith))]);
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const { gateway } = (await call(agent, 'GET', `/flows/${started.body}`)).body;
  return { host: gateway.host, port: gateway.port };
}

describe('executors placed on network-namespace hosts, each through its own agent', () => {
  let hosts: TestHosts | undefined;
  const agents: HostAgent[] = [];
  let folder: string | undefined;
  afterAll(async () => {
    // SIGTERM first (agents stop what they run), then close() SIGKILLs whatever is left inside.
    await stopHostAgents(agents);
    hosts?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('a cut link fails requests on the indexer of host C by name and address; every host is cleaned, C once it is back', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    hosts = createTestHosts(3);
    folder = mkdtempSync(join(tmpdir(), 'jst-hosts-'));
    const [a, b, c] = hosts.hosts as [TestHost, TestHost, TestHost];
    for (const host of [a, b, c]) agents.push(await startHostAgent(host, join(folder, host.label), { token }));
    const [agentA, agentB, agentC] = agents as [HostAgent, HostAgent, HostAgent];
    for (const agent of agents) await createWorkspace(agent);

    const encoder = await startExecutor(agentB, 'encoder', 'StressEncoder', { dim: 16 });
    const indexer = await startExecutor(agentC, 'indexer', 'StressIndexer', { top_k: 3 });
    expect(encoder.host).toBe(b.address);
    expect(indexer.host).toBe(c.address);

    const flowYaml = [
      'jtype: Flow',
      'with: {protocol: grpc}',
      'executors:',
      `  - {name: encoder, external: true, host: ${encoder.host}, port: ${encoder.port}, timeout_send: 1000}`,
      `  - {name: indexer, external: true, host: ${indexer.host}, port: ${indexer.port}, timeout_send: 1000}`,
      '',
    ].join('\n');
    const flow = await call(agentA, 'POST', '/flows', [{ name: 'flow', filename: 'flow.yml', content: flowYaml }, field('workspace_id', 'ws-cut'), field('run_id', runId)]);
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    const { gateway } = (await call(agentA, 'GET', `/flows/${flow.body}`)).body;
    expect(gateway.host).toBe(a.address);

    const client: GatewayClient = createGatewayClient({ target: { host: gateway.host, port: gateway.port, protocol: 'grpc', docarray: 'v2' } });
    await client.connect();
    try {
      const docs = [0, 1, 2, 3].map((n) => ({ id: `d${n}`, text: `document ${n}` }));
      const indexed = await client.post({ endpoint: '/index', docs });
      expect(indexed.status, JSON.stringify(indexed).slice(0, 800)).toBe('ok');
      if (indexed.status !== 'ok') return;
      // Host A's gateway stamped the executors on B and C, and B's encoder embedded the docs.
      expect(indexed.response.routes.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'indexer']);
      expect(indexed.response.docs[0]!.embedding?.shape).toEqual([16]);
      const found = await client.post({ endpoint: '/search', docs: [{ id: 'q', text: 'document 2' }] });
      expect(found.status === 'ok' && found.response.docs[0]!.matches![0]!.id).toBe('d2');

      c.cut();
      const failed = await client.post({ endpoint: '/index', docs: [{ id: 'd9', text: 'after the cut' }] });
      expect(failed.status).not.toBe('ok');
      const described = JSON.stringify(failed);
      expect(described).toContain('indexer');
      expect(described).toContain(`${c.address}:${indexer.port}`);
    } finally {
      await client.close();
    }

    // Teardown while C is cut: A and B are cleaned, C is reported unreachable with its address.
    for (const agent of [agentA, agentB]) expect((await call(agent, 'DELETE', `/runs/${runId}`)).status).toBe(200);
    const unreachable = await call(agentC, 'DELETE', `/runs/${runId}`, undefined, 1_500).catch((error: Error) => error);
    expect(unreachable).toBeInstanceOf(Error);
    c.restore();
    let removed: { status: number } | Error = new Error('not tried');
    for (let attempt = 0; attempt < 20 && !(('status' in removed) && removed.status === 200); attempt++) {
      removed = await call(agentC, 'DELETE', `/runs/${runId}`, undefined, 1_500).catch((error: Error) => error);
    }
    expect(removed).toMatchObject({ status: 200 });

    // Nothing left: no flow or executor in any agent, no workspace on disk, no process but the agent.
    for (const agent of agents) {
      expect((await call(agent, 'GET', '/flows')).body.size).toBe(0);
      const left = existsSync(agent.root) ? readdirSync(agent.root).filter((name) => !name.startsWith('.')) : [];
      expect(left).toEqual([]);
      expect(processesSinceStart(agent)).toEqual([]);
    }
  }, 120_000);
});
