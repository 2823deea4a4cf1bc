import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startTestAgent, type TestAgent } from './test-agent.ts';

const agentSecret = 'agent-aws-secret-wJalrXUtnFEMI-K7MDENG';
const requestSecret = 'request-secret-hunter2-7c1d';

beforeAll(() => {
  process.env.AWS_SECRET_ACCESS_KEY = agentSecret;
  process.env.JINA_AGENT_ONLY_SETTING = 'agent-only-value-55e0';
});
afterAll(() => {
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.JINA_AGENT_ONLY_SETTING;
});

let server: TestAgent | undefined;
afterEach(async () => {
  await server?.agent.close();
  server = undefined;
});

async function startFlow(target: TestAgent, yaml: string, environment: Record<string, string> = {}) {
  return target.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flow.yml', content: yaml },
      { name: 'environment', content: JSON.stringify(environment) },
    ],
  });
}

function expectNoSecret(answer: { status: number; body: any }): void {
  const text = JSON.stringify(answer.body);
  expect(text).not.toContain(agentSecret);
  expect(text).not.toContain(requestSecret);
}

describe.each(['reference', 'process'])('the %s runtime', (runtime) => {
  const agentOptions = runtime === 'reference' ? { runtime: 'reference' } : { runtime: 'process' };

  // The agent's own AWS_SECRET_ACCESS_KEY is set (see beforeAll): the Flow must not see it.
  test.each(['${AWS_SECRET_ACCESS_KEY}', '$AWS_SECRET_ACCESS_KEY', '"${{ ENV.AWS_SECRET_ACCESS_KEY }}"'])(
    'protocol: %s is a 400 that names the variable, never the agent\'s value',
    async (written) => {
      server = await startTestAgent(agentOptions);
      const answer = await startFlow(server, `jtype: Flow\nwith:\n  protocol: ${written}\n  port: 12345\nexecutors: []\n`);
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toContain('AWS_SECRET_ACCESS_KEY');
      expectNoSecret(answer);
    },
  );

  test('port: ${AWS_SECRET_ACCESS_KEY} is, for the Flow, a variable nobody set: it gets a free port, not the agent\'s value', async () => {
    server = await startTestAgent({ ...agentOptions, processCommand: undefined, runtime: 'reference' });
    const answer = await startFlow(server, 'jtype: Flow\nwith:\n  protocol: http\n  port: ${AWS_SECRET_ACCESS_KEY}\nexecutors: []\n');
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const flow = (await server.call('GET', `/flows/${answer.body}`)).body;
    expect(flow.gateway.port).toEqual(expect.any(Number));
    expectNoSecret({ status: 200, body: flow });
  });

  test('a value from the request filled into the port is not echoed either', async () => {
    server = await startTestAgent(agentOptions);
    const answer = await startFlow(server, 'jtype: Flow\nwith:\n  protocol: http\n  port: ${{ ENV.JINA_DB_PASSWORD }}\nexecutors: []\n', {
      JINA_DB_PASSWORD: requestSecret,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('${{ ENV.JINA_DB_PASSWORD }}');
    expectNoSecret(answer);
  });
});

describe('the reference runtime', () => {
  test('an executor option filled from the environment is not echoed when the executor refuses it', async () => {
    server = await startTestAgent({ runtime: 'reference' });
    const yaml = 'jtype: Flow\nwith: {protocol: http, port: 0}\nexecutors:\n  - name: indexer\n    uses: ReferenceIndexer\n    uses_with: {top_k: "${{ ENV.JINA_TOP_K }}"}\n';
    const answer = await startFlow(server, yaml, { JINA_TOP_K: requestSecret });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('uses_with.top_k = "${{ ENV.JINA_TOP_K }}" is not a number');
    expectNoSecret(answer);
  });

  test('the Flow\'s gateway /status shows the Flow\'s JINA_* variables, not the agent\'s', async () => {
    server = await startTestAgent({ runtime: 'reference' });
    const answer = await startFlow(server, 'jtype: Flow\nwith: {protocol: http, port: 0}\nexecutors: []\n', { JINA_FROM_REQUEST: 'shown' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const flow = (await server.call('GET', `/flows/${answer.body}`)).body;
    const status = (await (await fetch(`http://127.0.0.1:${flow.gateway.port}/status`)).json()) as { envs: Record<string, string> };
    expect(status.envs).toEqual({ JINA_FROM_REQUEST: 'shown' });
  });
});
