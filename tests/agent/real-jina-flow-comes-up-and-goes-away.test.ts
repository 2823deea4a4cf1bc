import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { jinaEnvironment, processesInWorkspaces } from '../e2e/support/real-jina-run.ts';
import { startTestAgent, type TestAgent } from './test-agent.ts';

// The process runtime with real Jina 3.34 (.jina-envs/v2): readiness, ports, failure reports
// and process-group clean-up, seen from outside through /proc.
const environment = jinaEnvironment('v2');
const repoRoot = join(import.meta.dirname, '../..');
let server: TestAgent | undefined;

beforeAll(async () => {
  if (environment.status === 'ready') {
    server = await startTestAgent({ processCommand: undefined, jinaBin: join(environment.python, '..', 'jina'), timeoutReadyMs: 90_000 });
  }
});
afterAll(() => server?.agent.close());

function theAgent(context: { skip(note?: string): never | void }): TestAgent {
  if (environment.status === 'missing') skipOrFail(context, environment.reason);
  return server!;
}

async function workspaceWith(agent: TestAgent, executors: string[]): Promise<string> {
  const parts = executors.map((name) => ({ name: 'files', filename: name, content: readFileSync(join(repoRoot, 'fixtures/executors/v2', name), 'utf8') }));
  return (await agent.call('POST', '/workspaces', { parts })).body;
}

function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('a real Jina Flow through the process runtime', () => {
  test('is ready when its dry_run succeeds, on the port the agent picked, and leaves nothing after DELETE', { timeout: 120_000 }, async (context) => {
    const agent = theAgent(context);
    const workspaceId = await workspaceWith(agent, ['encoder.py', 'failing.py']);
    const yaml = readFileSync(join(repoRoot, 'configs/jina-e2e/flows/failing.yml'), 'utf8');
    const answer = await agent.call('POST', '/flows', {
      parts: [
        { name: 'flow', filename: 'flow.yml', content: yaml },
        { name: 'workspace_id', content: workspaceId },
        { name: 'environment', content: JSON.stringify({ JINA_PROTOCOL: 'grpc' }) },
      ],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const flow = (await agent.call('GET', `/flows/${answer.body}`)).body;
    expect(flow.arguments.environment).toEqual(['JINA_PROTOCOL', 'JINA_PORT']);
    expect(flow.time_to_ready_s).toBeGreaterThan(0.3);

    const client = createGrpcClient({ target: { host: '127.0.0.1', port: flow.gateway.port, protocol: 'grpc', docarray: 'v2' } });
    await client.connect();
    expect(await client.dryRun()).toEqual({ status: 'ready' });
    await client.close();

    // jina flow, its gateway and two executors, all in the agent's process group for the Flow.
    const pids = processesInWorkspaces([workspaceId]);
    expect(pids.length).toBeGreaterThanOrEqual(4);
    expect(new Set(pids.map(processGroupOf)).size).toBe(1);

    expect((await agent.call('DELETE', `/flows/${answer.body}`)).status).toBe(200);
    expect(processesInWorkspaces([workspaceId])).toEqual([]);
  });

  test('that cannot load its executor fails with the cause Jina logged and leaves nothing', { timeout: 120_000 }, async (context) => {
    const agent = theAgent(context);
    const workspaceId = await workspaceWith(agent, ['encoder.py']);
    const yaml = 'jtype: Flow\nwith:\n  protocol: http\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n  - name: encoder\n    uses: NoSuchExecutor\n    py_modules: [encoder.py]\n';
    const answer = await agent.call('POST', '/flows', {
      parts: [
        { name: 'flow', filename: 'broken.yml', content: yaml },
        { name: 'workspace_id', content: workspaceId },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/exited with code 1 before its gateway \(http:\d+\) answered; it logged: .*NoSuchExecutor/);
    expect(answer.body.body).toContain('jina.excepts.RuntimeFailToStart');
    expect(processesInWorkspaces([workspaceId])).toEqual([]);
  });
});
