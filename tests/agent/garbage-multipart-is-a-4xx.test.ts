import { request } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestAgent, workspaceRootEntries, type TestAgent } from './test-agent.ts';

let server: TestAgent;
beforeAll(async () => {
  server = await startTestAgent();
});
afterAll(async () => {
  await server.agent.close();
});

/** Raw bytes to the agent, as a broken client would send them. */
function post(path: string, contentType: string, body: Buffer | string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const call = request(
      { host: '127.0.0.1', port: server.address.port, method: 'POST', path, headers: { 'content-type': contentType, 'x-jina-stress': '1' } },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

const b = 'XyZ';
const garbage: Array<[string, string, Buffer | string]> = [
  ['no boundary', 'multipart/form-data', '--XyZ\r\nContent-Disposition: form-data; name="files"; filename="a"\r\n\r\na\r\n--XyZ--\r\n'],
  ['an empty boundary', 'multipart/form-data; boundary=', '--\r\n\r\n'],
  ['text instead of parts', `multipart/form-data; boundary=${b}`, 'hello, this is not multipart'],
  ['a body cut off inside a file', `multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="files"; filename="a.yml"\r\n\r\nhalf a fi`],
  ['a body cut off inside the headers', `multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-da`],
  ['a part without Content-Disposition', `multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${b}--\r\n`],
  ['a file part without a name', `multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; filename="a.yml"\r\n\r\nx\r\n--${b}--\r\n`],
  ['another boundary than announced', `multipart/form-data; boundary=${b}`, '--other\r\nContent-Disposition: form-data; name="files"; filename="a"\r\n\r\na\r\n--other--\r\n'],
  ['binary noise', `multipart/form-data; boundary=${b}`, Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256))],
  ['a 100 kB header line', `multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="files"; filename="${'a'.repeat(100_000)}"\r\n\r\nx\r\n--${b}--\r\n`],
  ['a field named twice, one of them huge', `multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="workspace_id"\r\n\r\n${'w'.repeat(2 * 1024 * 1024)}\r\n--${b}--\r\n`],
];

test.each(garbage.flatMap(([name, type, body]) => ['/workspaces', '/flows'].map((path) => [`${name} to ${path}`, path, type, body] as const)))(
  '%s is a 4xx with a clear message, never a 500, and leaves nothing',
  async (_name, path, contentType, body) => {
    const answer = await post(path, contentType, body);
    expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    expect(typeof answer.body.detail).toBe('string');
    expect(answer.body.detail).not.toContain('internal error');
    expect(workspaceRootEntries(server.agent)).toEqual([]);
  },
);

test('after all that, the agent still serves', async () => {
  const created = await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.yml', content: 'a' }] });
  expect(created.status).toBe(201);
});
