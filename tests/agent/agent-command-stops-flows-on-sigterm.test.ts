import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { freePort } from './free-port.ts';
import { isProcessRunning } from './process-state.ts';
import { fixtureCommand, flowYaml } from './test-agent.ts';

const bin = fileURLToPath(new URL('../../bin/jina-stress.mjs', import.meta.url));
const token = 'cli-token-4e1d9b';

test('`jina-stress agent` serves the API and on SIGTERM stops every flow, then exits 0', async () => {
  const agent = spawn(
    process.execPath,
    [bin, 'agent', '--host', '127.0.0.1', '--port', '0', '--runtime', 'process', '--process-command', fixtureCommand.join(' '), '--pass-env', 'FIXTURE_*'],
    { env: { ...process.env, JINA_STRESS_AGENT_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  agent.stdout.on('data', (chunk) => (output += chunk));
  agent.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => agent.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 15_000;
  let match: RegExpExecArray | null = null;
  while (!(match = /listening on http:\/\/127\.0\.0\.1:(\d+) \(workspaces in (\S+)\)/.exec(output)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(match, output).not.toBeNull();
  const [, port, workspaceRoot] = match as RegExpExecArray;

  const client = createDaemonClient({ host: '127.0.0.1', port: Number(port), token });
  const dir = mkdtempSync(join(tmpdir(), 'agent-cli-test-'));
  writeFileSync(join(dir, 'flow.yml'), flowYaml(await freePort()));
  const flowFile = { path: join(dir, 'flow.yml'), name: 'flow.yml' };
  const workspaceId = await client.createWorkspace([flowFile]);
  await client.startFlow(flowFile, workspaceId, { environment: { FIXTURE_GRANDCHILD: '1' } });
  const pids = JSON.parse(readFileSync(join(workspaceRoot as string, workspaceId, 'fixture-pids.json'), 'utf8'));
  expect(isProcessRunning(pids.child)).toBe(true);
  expect(isProcessRunning(pids.grandchild)).toBe(true);

  agent.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(isProcessRunning(pids.child)).toBe(false);
  expect(isProcessRunning(pids.grandchild)).toBe(false);
  expect(existsSync(workspaceRoot as string)).toBe(false);
  expect(output).toContain('[agent] SIGTERM: stopping flows');
  expect(output).toContain(`[agent] workspace ${workspaceId} created: flow.yml`);
  expect(output).not.toContain(token);
  rmSync(dir, { recursive: true, force: true });
});
