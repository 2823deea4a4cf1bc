import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_WINDOWS } from '../../src/agent/metrics-windows.ts';
import { startTestAgent, type TestAgent } from './test-agent.ts';

// The host-metrics windows are one more way into the agent: every parameter is checked, a
// window id that is not one is a plain 404 that echoes nothing, and a client cannot make the
// agent sample without bound.
const token = 'metrics-route-token';
let agent: TestAgent;
let flowId: string;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${agent.address.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  agent = await startTestAgent({ runtime: 'reference', token });
  const workspaceId = (await agent.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.txt', content: 'a' }, { name: 'run_id', content: 'metrics-run' }] })).body;
  const started = await agent.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flow.yml', content: 'jtype: Flow\nwith:\n  protocol: grpc\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n  - {name: encoder, uses: ReferenceEncoder}\n' },
      { name: 'workspace_id', content: workspaceId },
    ],
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  flowId = started.body;
});
afterAll(() => agent.agent.close());

describe('metrics windows', () => {
  test('need the token', async () => {
    const answer = await fetch(`${agent.address.url}/metrics/windows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(401);
  });

  test.each([
    ['a body that is not an object', [1, 2], /body must be a JSON object/],
    ['an unknown field', { flows: [], command: 'rm -rf /' }, /unknown field\(s\): "command"/],
    ['flows that is not a list', { flows: 'all' }, /flows must be a list/],
    ['a flow id with a path in it', { flows: ['../../etc/passwd'] }, /flows must be a list of at most 256 flow ids/],
    ['too many flow ids', { flows: Array.from({ length: 257 }, (_, index) => `f${index}`) }, /at most 256/],
    ['a run id that is not one', { run_id: 'a b;c' }, /run_id is not a valid run id/],
    ['a run id that is not a string', { run_id: 7 }, /run_id must be a string/],
    ['a duration of 0', { max_duration_s: 0 }, /max_duration_s must be a whole number of seconds from 1 to 90000/],
    ['a duration of a year', { max_duration_s: 31_536_000 }, /from 1 to 90000/],
    ['a fractional duration', { max_duration_s: 1.5 }, /whole number/],
  ])('refuse %s with 422 and what is allowed', async (_name, body, message) => {
    const answer = await call('POST', '/metrics/windows', body);
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toMatch(message);
    expect(answer.text).not.toContain('etc/passwd');
  });

  test('refuse a Flow the agent does not know with 404, and malformed JSON with 400', async () => {
    expect((await call('POST', '/metrics/windows', { flows: ['0000-unknown'] })).status).toBe(404);
    expect((await call('POST', '/metrics/windows', '{"flows": [')).status).toBe(400);
  });

  test('answer a malformed or unknown window id with the same 404, echoing nothing; bad `after` with 422', async () => {
    for (const id of ['..%2F..%2Fetc', '%3Cscript%3E', 'x'.repeat(65), '00000000-0000-0000-0000-000000000000']) {
      const answer = await call('GET', `/metrics/windows/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.text).not.toMatch(/etc|script|xxxx/);
    }
    const opened = await call('POST', '/metrics/windows', { flows: [flowId], max_duration_s: 60 });
    expect(opened.status).toBe(201);
    for (const after of ['-1', '1e3', 'abc', '9'.repeat(16)]) {
      const answer = await call('GET', `/metrics/windows/${opened.body.window_id}?after=${after}`);
      expect(answer.status, after).toBe(422);
    }
    expect((await call('GET', `/metrics/windows/${opened.body.window_id}?after=0&shell=1`)).status).toBe(422);
    expect((await call('DELETE', `/metrics/windows/${opened.body.window_id}`)).status).toBe(200);
    expect((await call('GET', `/metrics/windows/${opened.body.window_id}`)).status).toBe(404);
  });

  test(`keep at most ${MAX_WINDOWS} open at once (429), and sample the Flows asked for, run by run`, async () => {
    const ids: string[] = [];
    for (let index = 0; index < MAX_WINDOWS; index += 1) {
      const opened = await call('POST', '/metrics/windows', { run_id: index === 0 ? 'metrics-run' : 'another-run', max_duration_s: 30 });
      expect(opened.status).toBe(201);
      ids.push(opened.body.window_id);
    }
    const refused = await call('POST', '/metrics/windows', {});
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain(`${MAX_WINDOWS} metrics windows are open already`);
    await new Promise((resolve) => setTimeout(resolve, 2300));
    // The first window is the Flow's run: the agent's own process serves its gateway and encoder.
    const mine = await call('GET', `/metrics/windows/${ids[0]}`);
    expect(mine.body.samples.length).toBeGreaterThanOrEqual(1);
    expect(mine.body.samples[0].processes).toEqual([
      expect.objectContaining({ key: 'agent', role: 'agent', serves: ['gateway', 'encoder'], pids: [process.pid] }),
    ]);
    expect(mine.body.samples[0].host.memory_total_bytes).toBeGreaterThan(0);
    // Another run's window sees the host, not this run's Flow.
    const other = await call('GET', `/metrics/windows/${ids[1]}`);
    expect(other.body.samples[0].processes).toEqual([]);
    // `after` reads only what is new.
    const lastSeq = mine.body.samples.at(-1).seq;
    const rest = await call('DELETE', `/metrics/windows/${ids[0]}?after=${lastSeq}`);
    expect(rest.body.samples.every((sample: { seq: number }) => sample.seq > lastSeq)).toBe(true);
    for (const id of ids.slice(1)) expect((await call('DELETE', `/metrics/windows/${id}`)).status).toBe(200);
    expect((await call('POST', '/metrics/windows', {})).status).toBe(201);
  });
});
