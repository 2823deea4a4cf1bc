import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { freePort } from './free-port.ts';
import { isProcessRunning, waitForProcessGone } from './process-state.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
const logged: string[] = [];
beforeAll(async () => {
  server = await startTestAgent({ log: (line) => logged.push(line) });
});
afterAll(async () => {
  await server.agent.close();
});

const file = (name: string, content = 'x') => ({ name: 'files', filename: name, content });

async function createWorkspace(runId?: string, workspaceId?: string) {
  return server.call('POST', '/workspaces', {
    parts: [file('a.yml'), ...(runId ? [{ name: 'run_id', content: runId }] : []), ...(workspaceId ? [{ name: 'workspace_id', content: workspaceId }] : [])],
  });
}

async function until<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!isDone(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('run ids', () => {
  test('a run id is stored with the workspace and the Flow; GET /runs/{id} lists them; DELETE removes both, once', async () => {
    const workspaceId = (await createWorkspace('run-a.1')).body;
    const other = (await createWorkspace()).body;
    const flow = await server.call('POST', '/flows', {
      parts: [
        { name: 'flow', filename: 'flow.yml', content: flowYaml(await freePort()) },
        { name: 'workspace_id', content: workspaceId },
        { name: 'environment', content: JSON.stringify({ FIXTURE_GRANDCHILD: '1' }) },
      ],
    });
    expect(flow.status).toBe(201);
    expect((await server.call('GET', `/workspaces/${workspaceId}`)).body.run_id).toBe('run-a.1');
    // No run_id on the Flow: it belongs to its workspace's run.
    expect((await server.call('GET', `/flows/${flow.body}`)).body.run_id).toBe('run-a.1');
    expect(await server.call('GET', '/runs/run-a.1')).toEqual({
      status: 200,
      body: { run_id: 'run-a.1', lease: null, flows: [flow.body], workspaces: [workspaceId] },
    });
    const pids = JSON.parse(readFileSync(join(server.agent.workspaceRoot, workspaceId, 'fixture-pids.json'), 'utf8'));

    expect(await server.call('DELETE', '/runs/run-a.1')).toEqual({ status: 200, body: { flows: [flow.body], workspaces: [workspaceId] } });
    expect(isProcessRunning(pids.child)).toBe(false);
    expect(isProcessRunning(pids.grandchild)).toBe(false);
    expect(existsSync(join(server.agent.workspaceRoot, workspaceId))).toBe(false);
    expect(await server.call('DELETE', '/runs/run-a.1')).toEqual({ status: 200, body: { flows: [], workspaces: [] } });
    // A workspace of no run is not touched.
    expect(Object.keys((await server.call('GET', '/workspaces')).body.items)).toEqual([other]);
    expect(logged.join('\n')).toContain('run run-a.1: removed 1 flow(s), 1 workspace(s)');
  });

  test('run ids outside [A-Za-z0-9._-]{1,128} are refused, and a workspace keeps the run that created it', async () => {
    for (const bad of ['../etc', 'a b', 'x'.repeat(129), 'ü', '..']) {
      const answer = await createWorkspace(bad);
      expect(answer.status, bad).toBe(422);
      expect(answer.body.detail).toContain('not a valid run id');
    }
    expect((await server.call('GET', '/runs/a%20b')).status).toBe(422);
    const workspaceId = (await createWorkspace('run-b')).body;
    const stolen = await createWorkspace('run-c', workspaceId);
    expect(stolen.status).toBe(409);
    expect(stolen.body.detail).toMatch(new RegExp(`^workspace ${workspaceId} belongs to run run-b, not run run-c \\(hint: `));
    // An update that names no run (a JinaD client) is fine.
    expect((await createWorkspace(undefined, workspaceId)).status).toBe(201);
    await server.call('DELETE', '/runs/run-b');
  });

  test('a lease that is not renewed expires and takes the run with it; runs without a lease stay', async () => {
    const leased = (await createWorkspace('run-leased')).body;
    const unleased = (await createWorkspace('run-unleased')).body;
    for (const body of [{}, { ttl_s: 0 }, { ttl_s: 3601 }, { ttl_s: '5' }]) {
      const answer = await fetch(`${server.address.url}/runs/run-leased/lease`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.status, JSON.stringify(body)).toBe(422);
    }
    const renewedAt = Date.now();
    const lease = await fetch(`${server.address.url}/runs/run-leased/lease`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ttl_s: 1 }),
    });
    expect(lease.status).toBe(200);
    const answer = (await lease.json()) as { run_id: string; expires_at: string };
    expect(answer.run_id).toBe('run-leased');
    expect(Date.parse(answer.expires_at) - renewedAt).toBeGreaterThanOrEqual(900);
    expect(Date.parse(answer.expires_at) - renewedAt).toBeLessThanOrEqual(1100 + (Date.now() - renewedAt));

    const after = await until(
      async () => (await server.call('GET', '/runs/run-leased')).body,
      (body) => body.workspaces.length === 0,
    );
    expect(after).toEqual({ run_id: 'run-leased', lease: null, flows: [], workspaces: [] });
    expect(existsSync(join(server.agent.workspaceRoot, leased))).toBe(false);
    expect(Date.now() - renewedAt).toBeGreaterThanOrEqual(1000);
    expect(logged.join('\n')).toContain('the lease of run run-leased expired');
    expect((await server.call('GET', '/runs/run-unleased')).body.workspaces).toEqual([unleased]);
    await server.call('DELETE', '/runs/run-unleased');
  });

  test('the daemon client sends its run id on creates and drives leases and runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-client-'));
    try {
      writeFileSync(join(dir, 'a.yml'), 'a');
      const client = createDaemonClient({ host: '127.0.0.1', port: server.address.port, runId: 'client-run' });
      const workspaceId = await client.createWorkspace([{ path: join(dir, 'a.yml'), name: 'a.yml' }]);
      const lease = await client.renewLease('client-run', 60);
      expect(lease.runId).toBe('client-run');
      expect(lease.expiresAt.getTime() - Date.now()).toBeGreaterThan(50_000);
      const held = await client.getRun('client-run');
      expect(held).toEqual({ runId: 'client-run', flows: [], workspaces: [workspaceId], lease: { ttlS: 60, expiresAt: lease.expiresAt } });
      expect(await client.deleteRun('client-run')).toEqual({ runId: 'client-run', flows: [], workspaces: [workspaceId] });
      expect(await client.getRun('client-run')).toEqual({ runId: 'client-run', flows: [], workspaces: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
