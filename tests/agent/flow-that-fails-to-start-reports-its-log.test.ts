import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { freePort } from './free-port.ts';
import { waitForProcessGone } from './process-state.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await server?.agent.close();
  blocker?.close();
  server = blocker = undefined;
});

async function startFlow(target: TestAgent, yaml: string, fields: Record<string, string>) {
  const workspaceId = (await target.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.yml', content: 'a' }] })).body;
  const startedMs = performance.now();
  const answer = await target.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flow.yml', content: yaml },
      { name: 'workspace_id', content: workspaceId },
      ...Object.entries(fields).map(([name, content]) => ({ name, content })),
    ],
  });
  return { answer, workspaceId, elapsedMs: performance.now() - startedMs };
}

describe('a flow that does not come up', () => {
  test('a process that exits early fails at once with its exit code and last log lines', async () => {
    const timeoutReadyMs = 20_000;
    server = await startTestAgent({ timeoutReadyMs });
    const { answer, elapsedMs } = await startFlow(server, flowYaml(await freePort()), {
      environment: JSON.stringify({ FIXTURE_EXIT_CODE: '3' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/failed to start: exited with code 3 before its gateway \(grpc:\d+\) answered/);
    expect(answer.body.body).toContain('fixture: ValueError: bad executor config');
    expect(answer.body.body).toContain('[agent] flow process exited with code 3');
    // "At once": on the exit, not at the agent's timeout_ready, the only other way it ends.
    expect(elapsedMs).toBeLessThan(timeoutReadyMs);
    expect((await server.call('GET', '/flows')).body.size).toBe(0);
  });

  test('a process that never listens times out after timeout_ready ms and is killed', async () => {
    server = await startTestAgent();
    // 3 s: long enough for the fixture (a Node process) to start and log on a loaded 2-core
    // machine, where 600 ms sometimes was not.
    const { answer, workspaceId, elapsedMs } = await startFlow(server, flowYaml(await freePort()), {
      environment: JSON.stringify({ FIXTURE_NEVER_LISTEN: '1', FIXTURE_GRANDCHILD: '1' }),
      timeout_ready: '3000',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/gateway \(grpc:\d+\) did not answer within 3000 ms/);
    expect(answer.body.body).toContain('fixture: waiting for something that never comes');
    expect(elapsedMs).toBeGreaterThanOrEqual(3000);
    const pids = JSON.parse(readFileSync(join(server.agent.workspaceRoot, workspaceId, 'fixture-pids.json'), 'utf8'));
    expect(await waitForProcessGone(pids.child, 100)).toBe(true);
    expect(await waitForProcessGone(pids.grandchild, 100)).toBe(true);
  });

  test('a command that does not exist is a 500 with a hint', async () => {
    server = await startTestAgent({ processCommand: ['/nonexistent/bin/jina', 'flow', '--uses', '{file}'] });
    const { answer } = await startFlow(server, flowYaml(await freePort()), {});
    expect(answer.status).toBe(500);
    expect(answer.body.detail).toContain('cannot run "/nonexistent/bin/jina flow --uses flow.yml": spawn /nonexistent/bin/jina ENOENT');
    expect(answer.body.detail).toContain('JINA_PYTHON');
  });

  test('a port already in use is refused before anything starts', async () => {
    server = await startTestAgent();
    blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker?.once('listening', resolve));
    const port = (blocker.address() as { port: number }).port;
    const { answer } = await startFlow(server, flowYaml(port), {});
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain(`gateway port ${port} is already in use`);
  });

  test.each([
    ['no gateway port', 'jtype: Flow\nexecutors: []\n', 'names no gateway port'],
    ['YAML that does not parse', 'with: [', 'Flow YAML does not parse'],
    ['a protocol Jina lacks', 'with: {port: 1234, protocol: smtp}\n', 'protocol "smtp" is not one of grpc, http, websocket'],
  ])('%s is a 400 naming the problem', async (_name, yaml, message) => {
    server = await startTestAgent();
    const { answer } = await startFlow(server, yaml, {});
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain(message);
    expect(answer.body.detail).toContain('hint: set the gateway port');
  });

  test.each([
    ['runtime', 'nope', 400, 'unknown runtime "nope"'],
    ['environment', '[1]', 422, 'environment must be a JSON object'],
    ['timeout_ready', 'soon', 422, 'timeout_ready "soon" is not a whole number'],
  ])('form field %s=%j is a %i', async (field, value, status, message) => {
    server = await startTestAgent();
    const { answer } = await startFlow(server, flowYaml(await freePort()), { [field]: value });
    expect(answer.status).toBe(status);
    expect(answer.body.detail).toContain(message);
  });

  test('a request without the flow file is a 422', async () => {
    server = await startTestAgent();
    const answer = await server.call('POST', '/flows', { parts: [{ name: 'files', filename: 'flow.yml', content: 'x' }] });
    expect(answer).toEqual({ status: 422, body: { detail: 'field required: flow (the Flow YAML file)' } });
  });
});
