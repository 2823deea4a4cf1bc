import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freePort } from './free-port.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
beforeEach(async () => {
  server = await startTestAgent();
});
afterEach(async () => {
  await server.agent.close();
});

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

async function startFlow(yaml: string, fields: Record<string, string> = {}) {
  const workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'other.yml', content: 'x' }] })).body;
  const answer = await server.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flows/index.yml', content: yaml },
      { name: 'workspace_id', content: workspaceId },
      ...Object.entries(fields).map(([name, content]) => ({ name, content })),
    ],
  });
  return { workspaceId, answer };
}

describe('process runtime: ready detection', () => {
  test('POST /flows answers 201 only once the gateway listens', async () => {
    const port = await freePort();
    const { workspaceId, answer } = await startFlow(flowYaml(port, 'http'), {
      runtime: 'process',
      environment: JSON.stringify({ FIXTURE_LISTEN_DELAY_MS: 400 }),
    });
    expect(answer.status).toBe(201);
    // The program was really asked to listen there, and is listening now.
    expect(await httpGet(port)).toBe(`fixture gateway on ${port}`);
    const workdir = join(server.agent.workspaceRoot, workspaceId);
    // It ran in the workspace folder, with the Flow file stored there under its own name.
    expect(existsSync(join(workdir, 'fixture-pids.json'))).toBe(true);
    expect(readFileSync(join(workdir, 'flows', 'index.yml'), 'utf8')).toBe(flowYaml(port, 'http'));

    const flow = await server.call('GET', `/flows/${answer.body}`);
    expect(flow.status).toBe(200);
    expect(flow.body).toMatchObject({
      workspace_id: workspaceId,
      workdir,
      runtime: 'process',
      yaml_source: flowYaml(port, 'http'),
      state: 'running',
      gateway: { host: '127.0.0.1', port, protocol: 'http', ports: [{ protocol: 'http', port }] },
      arguments: { uses: 'flows/index.yml', environment: ['FIXTURE_LISTEN_DELAY_MS'] },
    });
    expect(flow.body.time_to_ready_s).toBeGreaterThanOrEqual(0.4);
    expect(flow.body.log_tail).toContain(`fixture: listening on ${port} (http)`);
    expect(Date.parse(flow.body.time_created)).not.toBeNaN();

    const list = await server.call('GET', '/flows');
    expect(list.body.size).toBe(1);
    expect(Object.keys(list.body.items)).toEqual([answer.body]);
  });

  // Jina's gateway binds before its executors answer; until they do, dry_run says ERROR.
  test.each(['grpc', 'http', 'websocket'])('a %s gateway that listens but whose dry_run fails is not ready yet', async (protocol) => {
    const port = await freePort();
    const startedAt = performance.now();
    const { answer } = await startFlow(flowYaml(port, protocol), {
      environment: JSON.stringify({ FIXTURE_DRY_RUN_FAILS_FOR_MS: 700 }),
    });
    const elapsedS = (performance.now() - startedAt) / 1000;
    expect(answer.status).toBe(201);
    const flow = await server.call('GET', `/flows/${answer.body}`);
    const answers: string[] = flow.body.log_tail.filter((line: string) => line.includes(' dry_run #'));
    // The port accepted connections from the start, yet the agent kept asking until SUCCESS.
    expect(answers.length).toBeGreaterThanOrEqual(2);
    expect(answers.slice(0, -1).every((line) => line.endsWith(': ERROR'))).toBe(true);
    expect(answers.at(-1)).toMatch(new RegExp(`fixture: ${protocol === 'grpc' ? 'grpc' : protocol} dry_run #\\d+ on ${port}: SUCCESS$`));
    expect(flow.body.time_to_ready_s).toBeGreaterThanOrEqual(0.7);
    expect(flow.body.time_to_ready_s).toBeLessThanOrEqual(elapsedS);
  });

  test('a gateway whose dry_run never succeeds times out with the last answer and the log tail', async () => {
    const port = await freePort();
    const { answer } = await startFlow(flowYaml(port, 'http'), {
      environment: JSON.stringify({ FIXTURE_DRY_RUN_FAILS_FOR_MS: 60_000 }),
      // Long enough for the fixture (a Node process) to start and answer on a loaded machine.
      timeout_ready: '3000',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain(`did not answer within 3000 ms (http:${port}: dry_run: executor down)`);
    expect(answer.body.body).toContain(`fixture: listening on ${port} (http)`);
  });

  test('a Flow with several protocols waits for every port and reports each', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const yaml = `jtype: Flow\ngateway:\n  port: [${grpcPort}, ${httpPort}]\n  protocol: [grpc, http]\n`;
    const { answer } = await startFlow(yaml);
    expect(answer.status).toBe(201);
    expect(await httpGet(httpPort)).toBe(`fixture gateway on ${httpPort}`);
    const flow = await server.call('GET', `/flows/${answer.body}`);
    expect(flow.body.gateway).toEqual({
      host: '127.0.0.1',
      port: grpcPort,
      protocol: 'grpc',
      ports: [
        { protocol: 'grpc', port: grpcPort },
        { protocol: 'http', port: httpPort },
      ],
    });
  });

  test('the seed 1.x form (port_expose from the environment, rest_api) is understood', async () => {
    const port = await freePort();
    const yaml = `!Flow\nversion: '1'\nwith:\n  port_expose: $JINA_GATEWAY_PORT_EXPOSE\n  rest_api: true\npods:\n  encoder:\n    uses: encoder.yml\n`;
    const { answer } = await startFlow(yaml, { environment: JSON.stringify({ JINA_GATEWAY_PORT_EXPOSE: String(port) }) });
    expect(answer.status).toBe(201);
    const flow = await server.call('GET', `/flows/${answer.body}`);
    expect(flow.body.gateway.ports).toEqual([
      { protocol: 'http', port },
      { protocol: 'websocket', port },
    ]);
  });

  test('a flow without workspace_id gets a workspace of its own', async () => {
    const port = await freePort();
    const answer = await server.call('POST', '/flows', { parts: [{ name: 'flow', filename: 'flow.yml', content: flowYaml(port) }] });
    expect(answer.status).toBe(201);
    const flow = await server.call('GET', `/flows/${answer.body}`);
    expect(existsSync(join(server.agent.workspaceRoot, flow.body.workspace_id, 'flow.yml'))).toBe(true);
    const unknownWorkspace = await server.call('POST', '/flows', {
      parts: [
        { name: 'flow', filename: 'flow.yml', content: flowYaml(port) },
        { name: 'workspace_id', content: 'no-such-workspace' },
      ],
    });
    expect(unknownWorkspace).toEqual({ status: 404, body: { detail: 'workspace no-such-workspace not found' } });
  });
});
