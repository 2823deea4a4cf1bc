import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import { startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
let files: string;
beforeAll(async () => {
  // No runtime option: the agent's default, which needs no Python.
  server = await startTestAgent({ runtime: undefined });
  files = mkdtempSync(join(tmpdir(), 'agent-reference-test-'));
  writeFileSync(
    join(files, 'flow.yml'),
    'jtype: Flow\nwith: {protocol: grpc, port: 0}\nexecutors:\n  - {name: encoder, uses: ReferenceEncoder, uses_with: {dim: 8}}\n',
  );
});
afterAll(async () => {
  await server.agent.close();
  rmSync(files, { recursive: true, force: true });
});

function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(!socket.destroy()));
    socket.once('error', () => resolve(false));
  });
}

test('the default runtime is the reference one: its gateway answers dry_run, and stops on terminate', async () => {
  const client = createDaemonClient({ host: '127.0.0.1', port: server.address.port });
  expect(((await client.status()).jina as Record<string, unknown>).default_runtime).toBe('reference');
  const flowFile = { path: join(files, 'flow.yml'), name: 'flow.yml' };
  const workspaceId = await client.createWorkspace([flowFile]);
  const flowId = await client.startFlow(flowFile, workspaceId);
  const flow = await client.getFlow(flowId);
  expect(flow.runtime).toBe('reference');
  expect(flow.gateway?.protocol).toBe('grpc');
  // Port 0 in the YAML: the reference runtime picked a free port and the agent reports it.
  const port = flow.gateway?.port ?? 0;
  expect(port).toBeGreaterThan(0);

  const gateway = createGrpcClient({ target: { host: '127.0.0.1', port, protocol: 'grpc', docarray: 'v2' } });
  await gateway.connect();
  expect(await gateway.dryRun()).toEqual({ status: 'ready' });
  await gateway.close();

  await client.terminateFlow(flowId);
  expect(await isPortOpen(port)).toBe(false);
});
