import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freePort } from './free-port.ts';
import { isProcessRunning, waitForProcessGone } from './process-state.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
beforeEach(async () => {
  server = await startTestAgent({ stopGraceMs: 500 });
});
afterEach(async () => {
  await server.agent.close();
});

interface StartedFlow {
  flowId: string;
  workspaceId: string;
  port: number;
  pids: { child: number; grandchild: number };
}

async function startFlowWithGrandchild(environment: Record<string, string> = {}): Promise<StartedFlow> {
  const port = await freePort();
  const workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.yml', content: 'a' }] })).body;
  const answer = await server.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flow.yml', content: flowYaml(port) },
      { name: 'workspace_id', content: workspaceId },
      { name: 'environment', content: JSON.stringify({ FIXTURE_GRANDCHILD: '1', ...environment }) },
    ],
  });
  expect(answer.status).toBe(201);
  const pids = JSON.parse(readFileSync(join(server.agent.workspaceRoot, workspaceId, 'fixture-pids.json'), 'utf8'));
  expect(isProcessRunning(pids.child)).toBe(true);
  expect(isProcessRunning(pids.grandchild)).toBe(true);
  return { flowId: answer.body, workspaceId, port, pids };
}

function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(!socket.destroy()));
    socket.once('error', () => resolve(false));
  });
}

describe('stopping flows leaves no process behind', () => {
  test('DELETE /flows/{id} kills the child and its grandchild and frees the port', async () => {
    const flow = await startFlowWithGrandchild();
    const answer = await server.call('DELETE', `/flows/${flow.flowId}?workspace=false`);
    expect(answer).toEqual({ status: 200, body: null });
    // stop() resolves only once the group is empty, so no waiting here.
    expect(isProcessRunning(flow.pids.child)).toBe(false);
    expect(isProcessRunning(flow.pids.grandchild)).toBe(false);
    expect(await isPortOpen(flow.port)).toBe(false);
    expect((await server.call('GET', `/flows/${flow.flowId}`)).status).toBe(404);
    expect((await server.call('GET', `/workspaces/${flow.workspaceId}`)).status).toBe(200);
  });

  test('processes that ignore SIGTERM get SIGKILL after the grace period', async () => {
    const flow = await startFlowWithGrandchild({ FIXTURE_IGNORE_SIGTERM: '1' });
    const startedMs = performance.now();
    expect((await server.call('DELETE', `/flows/${flow.flowId}`)).status).toBe(200);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(450);
    expect(isProcessRunning(flow.pids.child)).toBe(false);
    expect(isProcessRunning(flow.pids.grandchild)).toBe(false);
  });

  test('?workspace=true also deletes the workspace folder', async () => {
    const flow = await startFlowWithGrandchild();
    expect((await server.call('DELETE', `/flows/${flow.flowId}?workspace=true`)).status).toBe(200);
    expect((await server.call('GET', `/workspaces/${flow.workspaceId}`)).status).toBe(404);
  });

  test('deleting the workspace terminates its flows first', async () => {
    const flow = await startFlowWithGrandchild();
    expect((await server.call('DELETE', `/workspaces/${flow.workspaceId}`)).status).toBe(200);
    expect(isProcessRunning(flow.pids.child)).toBe(false);
    expect(isProcessRunning(flow.pids.grandchild)).toBe(false);
    expect((await server.call('GET', `/flows/${flow.flowId}`)).status).toBe(404);
  });

  test('agent close() stops every flow, grandchildren included', async () => {
    const first = await startFlowWithGrandchild();
    const second = await startFlowWithGrandchild({ FIXTURE_IGNORE_SIGTERM: '1' });
    await server.agent.close();
    for (const pid of [first.pids.child, first.pids.grandchild, second.pids.child, second.pids.grandchild]) {
      expect(await waitForProcessGone(pid, 100)).toBe(true);
    }
  });

  test('an unknown flow id is a 404', async () => {
    expect(await server.call('DELETE', '/flows/nope')).toEqual({ status: 404, body: { detail: 'flow nope not found' } });
  });
});
