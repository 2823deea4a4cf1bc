import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestAgent, type TestAgent } from './test-agent.ts';

const token = 's3cr3t-agent-token-7f2a';
let server: TestAgent;
const logged: string[] = [];
beforeAll(async () => {
  process.env.JINA_STRESS_AGENT_TOKEN = token;
  process.env.JINA_VISIBLE_SETTING = 'shown';
  server = await startTestAgent({ token, log: (line) => logged.push(line) });
});
afterAll(async () => {
  await server.agent.close();
  delete process.env.JINA_STRESS_AGENT_TOKEN;
  delete process.env.JINA_VISIBLE_SETTING;
});

describe('bearer token', () => {
  test('no Authorization header is a 401 with a detail and WWW-Authenticate', async () => {
    const response = await fetch(`${server.address.url}/status`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ detail: 'not authenticated: send Authorization: Bearer <token>' });
  });

  test('a wrong token is a 401, on every route', async () => {
    for (const [method, path] of [['GET', '/'], ['POST', '/workspaces'], ['DELETE', '/flows/x'], ['GET', '/nothing']]) {
      const answer = await server.call(method as string, path as string, { headers: { authorization: 'Bearer wrong' } });
      expect(answer).toEqual({ status: 401, body: { detail: 'invalid bearer token' } });
    }
  });

  test('the right token is let through, and /status shows JINA_ settings but not the token', async () => {
    const answer = await server.call('GET', '/status', { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(answer.body.envs.JINA_VISIBLE_SETTING).toBe('shown');
    expect(JSON.stringify(answer.body)).not.toContain(token);
    const created = await server.call('POST', '/workspaces', {
      headers: { authorization: `Bearer ${token}` },
      parts: [{ name: 'files', filename: 'a.yml', content: 'a' }],
    });
    expect(created.status).toBe(201);
    expect(logged.join('\n')).not.toContain(token);
  });
});
