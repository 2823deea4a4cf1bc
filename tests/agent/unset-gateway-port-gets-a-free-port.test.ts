import { request } from 'node:http';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { freePort } from './free-port.ts';
import { startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
beforeEach(async () => {
  server = await startTestAgent();
});
afterEach(async () => {
  await server.agent.close();
});

// The port is the fixture Flows' form: Jina reads it from the Flow's environment.
const yaml = 'jtype: Flow\nwith:\n  protocol: http\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n  - name: encoder\n';

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

async function startFlow(environment?: Record<string, string>) {
  const answer = await server.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flow.yml', content: yaml },
      ...(environment ? [{ name: 'environment', content: JSON.stringify(environment) }] : []),
    ],
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return (await server.call('GET', `/flows/${answer.body}`)).body;
}

test('a gateway port written as an unset variable gets a free port, passed to the Flow under that name', async () => {
  const flow = await startFlow();
  const port: number = flow.gateway.port;
  expect(port).toBeGreaterThan(0);
  expect(flow.gateway.ports).toEqual([{ protocol: 'http', port }]);
  expect(flow.arguments.environment).toEqual(['JINA_PORT']);
  // The Flow process read JINA_PORT and listens there: the agent's port is the Flow's port.
  expect(await httpGet(port)).toBe(`fixture gateway on ${port}`);
  expect(flow.log_tail).toContain(`fixture: listening on ${port} (http)`);
});

test('two such Flows at once get different ports', async () => {
  const [first, second] = await Promise.all([startFlow(), startFlow()]);
  expect(first.gateway.port).not.toBe(second.gateway.port);
  expect(await httpGet(second.gateway.port)).toBe(`fixture gateway on ${second.gateway.port}`);
});

test('a port the step sets is kept', async () => {
  const port = await freePort();
  const flow = await startFlow({ JINA_PORT: String(port) });
  expect(flow.gateway.port).toBe(port);
  expect(await httpGet(port)).toBe(`fixture gateway on ${port}`);
});
