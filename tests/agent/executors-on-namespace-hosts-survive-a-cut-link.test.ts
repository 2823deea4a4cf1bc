import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayClient } from '../../src/gateway/gateway-client.ts';
import { createTestHosts, netnsUnavailableReason, type TestHost, type TestHosts } from '../support/netns-hosts.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { multipartBody, type MultipartPart } from './multipart-body.ts';

const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/jina-stress.mjs');
const token = 'namespace-hosts-token';
const runId = 'cut-link.1';
const unavailable = netnsUnavailableReason();

interface HostAgent {
  host: TestHost;
  url: string;
  root: string;
  child: ChildProcess;
  /** The namespace's processes once the agent listens (the CLI may run as more than one). */
  pidsAtStart: number[];
}

/** An agent on the host's own address (not loopback), reference runtime, with a token. */
async function startHostAgent(host: TestHost, root: string): Promise<HostAgent> {
  const child = host.spawn(process.execPath, [bin, 'agent', '--host', host.address, '--port', '8000', '--runtimes', 'reference', '--workspace-root', root], {
    env: { ...process.env, JINA_STRESS_AGENT_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (!output.includes(`listening on http://${host.address}:8000`)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`agent on ${host.label} did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  return { host, url: `http://${host.address}:8000`, root, child, pidsAtStart: host.pids().sort() };
}

/**
 * The namespace's processes that were not there when the agent listened, as command lines, less
 * one: the esbuild service tsx starts inside the agent the first time it compiles a lazily
 * imported module with a cold cache (a checkout runs the TypeScript sources; an installed package
 * does not). It is the agent's own compiler, a child of the agent, and serves no port; an
 * executor, a gateway or anything else left behind is still reported.
 */
function processesSinceStart(agent: HostAgent): string[] {
  const read = (pid: number, file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  return agent.host
    .pids()
    .filter((pid) => !agent.pidsAtStart.includes(pid))
    .filter((pid) => {
      if (!existsSync(`/proc/${pid}`)) return false; // gone between the listing and now
      const command = read(pid, 'cmdline').split('\0');
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'.
      const parent = Number(read(pid, 'stat').split(') ')[1]?.split(' ')[1]);
      const tsxCompiler = /\/node_modules\/@esbuild\/[^/]+\/bin\/esbuild$/.test(command[0] ?? '') && (command[1] ?? '').startsWith('--service=');
      return !(tsxCompiler && agent.pidsAtStart.includes(parent));
    })
    .map((pid) => `${pid}: ${read(pid, 'cmdline').split('\0').join(' ').trim()}`);
}

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
    await Promise.all(
      agents.map(async (agent) => {
        if (agent.child.exitCode !== null) return;
        agent.child.kill('SIGTERM');
        await Promise.race([once(agent.child, 'exit'), new Promise((done) => setTimeout(done, 5_000))]);
      }),
    );
    hosts?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('a cut link fails requests on the indexer of host C by name and address; every host is cleaned, C once it is back', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    hosts = createTestHosts(3);
    folder = mkdtempSync(join(tmpdir(), 'jst-hosts-'));
    const [a, b, c] = hosts.hosts as [TestHost, TestHost, TestHost];
    for (const host of [a, b, c]) agents.push(await startHostAgent(host, join(folder, host.label)));
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
