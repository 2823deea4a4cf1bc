import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import type { DaemonApi } from '../../src/daemon/daemon-api.ts';
import { freePort } from '../agent/free-port.ts';
import { isProcessRunning } from '../agent/process-state.ts';
import { flowYaml, startTestAgent, type TestAgent } from '../agent/test-agent.ts';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.ts';

let server: TestAgent;
let proxy: FlakyProxy;
let client: DaemonApi;
let files: string;
const token = 'drive-token-91c2';

beforeAll(async () => {
  server = await startTestAgent({ token });
  proxy = await startFlakyProxy({ target: server.address.url });
  client = createDaemonClient({ host: '127.0.0.1', port: proxy.port, token });
  files = mkdtempSync(join(tmpdir(), 'daemon-client-test-'));
  mkdirSync(join(files, 'executors'));
  writeFileSync(join(files, 'executors', 'encoder.yml'), 'jtype: Encoder\n');
  writeFileSync(join(files, 'notes.txt'), 'first\n');
});
afterAll(async () => {
  await proxy.close();
  await server.agent.close();
  rmSync(files, { recursive: true, force: true });
});

describe('daemon client against the agent', () => {
  test('the whole lifecycle, checked on disk, on the wire and in the process table', async () => {
    expect(client.baseUrl).toBe(`http://127.0.0.1:${proxy.port}`);
    const status = await client.status();
    expect((status.jina as Record<string, unknown>).runtimes).toContain('process');

    const workspaceId = await client.createWorkspace([
      { path: join(files, 'executors', 'encoder.yml'), name: 'executors/encoder.yml' },
      { path: join(files, 'notes.txt'), name: 'notes.txt' },
    ]);
    const workdir = join(server.agent.workspaceRoot, workspaceId);
    expect(readFileSync(join(workdir, 'executors', 'encoder.yml'), 'utf8')).toBe('jtype: Encoder\n');

    writeFileSync(join(files, 'notes.txt'), 'second\n');
    expect(await client.createWorkspace([{ path: join(files, 'notes.txt'), name: 'notes.txt' }], workspaceId)).toBe(workspaceId);
    expect(readFileSync(join(workdir, 'notes.txt'), 'utf8')).toBe('second\n');

    const port = await freePort();
    writeFileSync(join(files, 'flow.yml'), flowYaml(port));
    const flowId = await client.startFlow({ path: join(files, 'flow.yml'), name: 'flow.yml' }, workspaceId, {
      runtime: 'process',
      environment: { FIXTURE_GRANDCHILD: '1', FIXTURE_LISTEN_DELAY_MS: '200' },
      timeoutReadyS: 10,
    });
    const flow = await client.getFlow(flowId);
    expect(flow).toEqual({
      id: flowId,
      workspaceId,
      runtime: 'process',
      yamlSource: flowYaml(port),
      gateway: { host: '127.0.0.1', port, protocol: 'grpc', ports: [{ protocol: 'grpc', port }] },
      timeToReadyS: expect.any(Number),
    });
    expect(flow.timeToReadyS).toBeGreaterThanOrEqual(0.2);
    const pids = JSON.parse(readFileSync(join(workdir, 'fixture-pids.json'), 'utf8'));

    await client.terminateFlow(flowId);
    expect(isProcessRunning(pids.child)).toBe(false);
    expect(isProcessRunning(pids.grandchild)).toBe(false);
    await client.deleteWorkspace(workspaceId);
    expect(existsSync(workdir)).toBe(false);

    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /status',
      'POST /workspaces',
      'POST /workspaces',
      'POST /flows',
      `GET /flows/${flowId}`,
      `DELETE /flows/${flowId}?workspace=false`,
      `DELETE /workspaces/${workspaceId}`,
    ]);
    expect(proxy.requests.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
  });
});
