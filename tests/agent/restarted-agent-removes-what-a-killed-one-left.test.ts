import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { AGENT_LEDGER_FILE } from '../../src/agent/agent-ledger.ts';
import { createAgent, type Agent } from '../../src/agent/create-agent.ts';
import { currentBootId, readProcessStat } from '../../src/agent/process-identity.ts';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { startCliAgent } from './cli-agent.ts';
import { isProcessRunning, waitForProcessGone } from './process-state.ts';
import { fixtureCommand, workspaceRootEntries } from './test-agent.ts';

const token = 'restart-token-a81f';
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const portVariableFlow = 'jtype: Flow\nwith:\n  protocol: http\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n  - name: encoder\n';

test('an agent started on the root of one killed with -9 stops its Flows and removes its workspaces, but keeps leased runs and folders not its own', async () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-restart-'));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  const files = mkdtempSync(join(tmpdir(), 'agent-restart-files-'));
  cleanup.push(() => rmSync(files, { recursive: true, force: true }));
  writeFileSync(join(files, 'flow.yml'), portVariableFlow);
  // Someone else's folder in the root: not the agent's to remove.
  mkdirSync(join(root, 'notes'));
  writeFileSync(join(root, 'notes', 'keep.txt'), 'mine');

  const first = await startCliAgent(
    ['--workspace-root', root, '--runtime', 'process', '--process-command', fixtureCommand.join(' '), '--pass-env', 'FIXTURE_*'],
    { JINA_STRESS_AGENT_TOKEN: token },
  );
  cleanup.push(() => first.child.kill('SIGKILL'));
  const client = createDaemonClient({ host: '127.0.0.1', port: first.port, token });
  const flowFile = { path: join(files, 'flow.yml'), name: 'flow.yml' };
  const abandoned = await client.createWorkspace([flowFile]);
  await client.startFlow(flowFile, abandoned, { environment: { FIXTURE_GRANDCHILD: '1' } });
  const pids = JSON.parse(readFileSync(join(root, abandoned, 'fixture-pids.json'), 'utf8'));
  const leasedClient = createDaemonClient({ host: '127.0.0.1', port: first.port, token, runId: 'still-alive' });
  const leased = await leasedClient.createWorkspace([flowFile]);
  await leasedClient.renewLease('still-alive', 600);
  const expiredClient = createDaemonClient({ host: '127.0.0.1', port: first.port, token, runId: 'gone-quiet' });
  const expired = await expiredClient.createWorkspace([flowFile]);
  await expiredClient.renewLease('gone-quiet', 1);

  first.child.kill('SIGKILL');
  await first.exited;
  // Nobody cleaned up: the Flow's processes outlive the agent.
  expect(isProcessRunning(pids.child)).toBe(true);
  expect(isProcessRunning(pids.grandchild)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 1100));

  const logged: string[] = [];
  const second: Agent = createAgent({ port: 0, workspaceRoot: root, token, stopGraceMs: 1000, log: (line) => logged.push(line) });
  cleanup.push(() => second.close());
  const address = await second.listen();
  expect(await waitForProcessGone(pids.child, 1000)).toBe(true);
  expect(await waitForProcessGone(pids.grandchild, 1000)).toBe(true);
  expect(existsSync(join(root, abandoned))).toBe(false);
  expect(existsSync(join(root, expired))).toBe(false);
  expect(existsSync(join(root, leased))).toBe(true);
  expect(readFileSync(join(root, 'notes', 'keep.txt'), 'utf8')).toBe('mine');
  expect(workspaceRootEntries(second).sort()).toEqual([leased, 'notes'].sort());
  expect(logged.join('\n')).toMatch(new RegExp(`stopped Flow process group ${pids.child} \\(workspace ${abandoned}\\) left by an earlier agent`));
  expect(logged.join('\n')).toContain(`removed workspace ${abandoned} left by an earlier agent`);
  expect(logged.join('\n')).toContain(`removed workspace ${expired} (run gone-quiet) left by an earlier agent`);
  expect(logged.join('\n')).toContain(`kept workspace ${leased} of run still-alive`);

  // The API lists the kept workspace, with its run, and the run's lease is still counted.
  const again = createDaemonClient({ host: '127.0.0.1', port: address.port, token });
  const run = await again.getRun('still-alive');
  expect(run.workspaces).toEqual([leased]);
  expect(run.lease?.ttlS).toBe(600);
  const listed = (await (await fetch(`${address.url}/workspaces`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    items: Record<string, unknown>;
  };
  expect(Object.keys(listed.items)).toEqual([leased]);
  // A folder not the agent's cannot be taken over by a create with its name.
  const taken = await fetch(`${address.url}/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=b' },
    body: '--b\r\nContent-Disposition: form-data; name="workspace_id"\r\n\r\nnotes\r\n--b\r\nContent-Disposition: form-data; name="files"; filename="x.txt"\r\n\r\nx\r\n--b--\r\n',
  });
  expect(taken.status).toBe(409);
  expect(readFileSync(join(root, 'notes', 'keep.txt'), 'utf8')).toBe('mine');
}, 60_000);

test('a process group on record whose leader has another start time (a reused pid) is not killed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-restart-pid-'));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  const bystander = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  cleanup.push(() => bystander.kill('SIGKILL'));
  const pid = bystander.pid as number;
  const stat = readProcessStat(pid);
  expect(stat?.pgrp).toBe(pid);
  writeFileSync(
    join(root, AGENT_LEDGER_FILE),
    JSON.stringify({
      version: 1,
      bootId: currentBootId(),
      pid: 999_999,
      processGroups: [{ pgid: pid, startTicks: (stat?.startTicks ?? 0) - 1, workspaceId: 'gone' }],
      workspaces: {},
      leases: {},
    }),
  );
  const agent = createAgent({ port: 0, workspaceRoot: root });
  cleanup.push(() => agent.close());
  await agent.listen();
  expect(isProcessRunning(pid)).toBe(true);
});
