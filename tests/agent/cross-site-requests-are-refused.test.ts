import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { multipartBody } from './multipart-body.ts';
import { startTestAgent, workspaceRootEntries, type TestAgent } from './test-agent.ts';

/** Raw HTTP, since fetch does not let a caller set Host, Origin or Sec-Fetch-Site. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text === '' ? '' : JSON.parse(text) }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

const upload = multipartBody([
  { name: 'files', filename: 'pwned.yml', content: 'x' },
  { name: 'workspace_id', content: 'pwned' },
]);

describe('an agent without a token', () => {
  let server: TestAgent;
  beforeAll(async () => {
    server = await startTestAgent();
  });
  afterAll(async () => {
    await server.agent.close();
  });

  // Each is what a web page can make a browser send to 127.0.0.1 without asking first.
  test.each([
    ['a multipart form post', { 'content-type': upload.contentType }, upload.body],
    ['a urlencoded form post', { 'content-type': 'application/x-www-form-urlencoded' }, 'workspace_id=pwned'],
    ['a text/plain post', { 'content-type': 'text/plain;charset=UTF-8' }, upload.body],
    ['a post without a content type', {}, upload.body],
  ])('%s without X-Jina-Stress is refused with 403 and changes nothing', async (_name, headers, body) => {
    const answer = await send(server.address.port, 'POST', '/workspaces', headers as Record<string, string>, body);
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain('need the x-jina-stress header');
    expect(workspaceRootEntries(server.agent)).toEqual([]);
  });

  test.each([
    ['another origin', { origin: 'http://evil.example' }],
    ['an opaque origin (sandboxed frame, file://)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('a request from %s is refused even with the header, on every route', async (_name, extra) => {
    for (const [method, path] of [['POST', '/workspaces'], ['GET', '/status'], ['DELETE', '/runs/x'], ['PUT', '/runs/x/lease']]) {
      const answer = await send(server.address.port, method as string, path as string, { 'x-jina-stress': '1', 'content-type': upload.contentType, ...extra }, method === 'POST' ? upload.body : undefined);
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    expect(workspaceRootEntries(server.agent)).toEqual([]);
  });

  test('DNS rebinding: a Host name that is not the agent\'s is refused, reads included', async () => {
    for (const host of [`evil.example:${server.address.port}`, 'evil.example', `localhost.evil.example:${server.address.port}`]) {
      const read = await send(server.address.port, 'GET', '/status', { host });
      expect(read.status, host).toBe(403);
      expect(read.body.detail).toContain('is not a name of this agent');
      const write = await send(server.address.port, 'POST', '/workspaces', { host, 'x-jina-stress': '1', 'content-type': upload.contentType }, upload.body);
      expect(write.status, host).toBe(403);
    }
    expect(workspaceRootEntries(server.agent)).toEqual([]);
  });

  test('loopback names, IP addresses and the agent\'s own origin are answered; our clients\' header lets a form post through', async () => {
    for (const host of [`127.0.0.1:${server.address.port}`, `localhost:${server.address.port}`, 'LOCALHOST', '[::1]:8000', '10.0.0.7']) {
      expect((await send(server.address.port, 'GET', '/status', { host })).status, host).toBe(200);
    }
    const own = `127.0.0.1:${server.address.port}`;
    expect((await send(server.address.port, 'GET', '/status', { host: own, origin: `http://${own}` })).status).toBe(200);
    const created = await send(server.address.port, 'POST', '/workspaces', { 'x-jina-stress': '1', 'content-type': upload.contentType }, upload.body);
    expect(created).toEqual({ status: 201, body: 'pwned' });
    // PUT and DELETE always need a preflight from a browser: no header needed.
    expect((await send(server.address.port, 'PUT', '/runs/r1/lease', { 'content-type': 'application/json' }, '{"ttl_s": 60}')).status).toBe(200);
    expect((await send(server.address.port, 'DELETE', '/workspaces/pwned', {})).status).toBe(200);
  });
});

describe('an agent with a token', () => {
  const token = 'cross-site-token-5b1e';
  let server: TestAgent;
  beforeAll(async () => {
    server = await startTestAgent({ token, allowedHosts: [] });
  });
  afterAll(async () => {
    await server.agent.close();
  });

  test('a JinaD-style client (token, no X-Jina-Stress, any Host name) works', async () => {
    const answer = await send(server.address.port, 'POST', '/workspaces', {
      authorization: `Bearer ${token}`,
      host: `stress-box.internal:${server.address.port}`,
      'content-type': upload.contentType,
    }, upload.body);
    expect(answer).toEqual({ status: 201, body: 'pwned' });
  });

  test('a browser still cannot: no token is a 401, a foreign Origin a 403', async () => {
    expect((await send(server.address.port, 'POST', '/workspaces', { 'content-type': upload.contentType }, upload.body)).status).toBe(401);
    const withOrigin = await send(server.address.port, 'POST', '/workspaces', { authorization: `Bearer ${token}`, origin: 'http://evil.example', 'content-type': upload.contentType }, upload.body);
    expect(withOrigin.status).toBe(403);
  });
});
