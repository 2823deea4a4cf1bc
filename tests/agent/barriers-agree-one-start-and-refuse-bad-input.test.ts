import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
const token = 'barrier-test-token';
beforeAll(async () => {
  server = await startTestAgent({ token, runtime: 'reference' });
});
afterAll(async () => {
  await server.agent.close();
});

const arrive = (runId: string, name: string, body: unknown, init: { headers?: Record<string, string>; asBrowser?: boolean } = {}) =>
  server.call('POST', `/runs/${runId}/barriers/${name}`, { text: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...init.headers }, ...(init.asBrowser ? { asBrowser: true } : {}) });

/** The lead the parties ask for: the start is this long after the barrier opens. */
const LEAD_MS = 200;

describe('barriers', () => {
  test('parties waiting at a barrier all get one start time when the last arrives', async () => {
    const clients = [1, 2, 3].map(() => createDaemonClient({ host: '127.0.0.1', port: server.address.port, token }));
    const first = clients[0]!.arriveAtBarrier('run-1', 'job0.step2.start', { party: 1, parties: 3, timeoutS: 60, waitS: 30, leadMs: LEAD_MS });
    const second = clients[1]!.arriveAtBarrier('run-1', 'job0.step2.start', { party: 2, parties: 3, timeoutS: 60, waitS: 30, leadMs: LEAD_MS });
    // Both long polls are held until the barrier changes.
    const waiting = await server.call('GET', '/runs/run-1/barriers/job0.step2.start');
    expect(waiting.status).toBe(200);
    expect(waiting.body.status).toBe('waiting');
    const last = await clients[2]!.arriveAtBarrier('run-1', 'job0.step2.start', { party: 3, parties: 3, timeoutS: 60, waitS: 0, leadMs: LEAD_MS });
    expect(last.status).toBe('released');
    // A party woken by another's arrival polls again; the third arrival opened it.
    let [one, two] = await Promise.all([first, second]);
    if (one.status !== 'released') one = await clients[0]!.arriveAtBarrier('run-1', 'job0.step2.start', { party: 1, parties: 3, timeoutS: 60 });
    if (two.status !== 'released') two = await clients[1]!.arriveAtBarrier('run-1', 'job0.step2.start', { party: 2, parties: 3, timeoutS: 60 });
    const answers = [one, two, last];
    for (const answer of answers) {
      expect(answer.status).toBe('released');
      if (answer.status !== 'released') continue;
      expect(answer.releasedBy).toBe('all_arrived');
      expect(answer.missing).toEqual([]);
      expect(answer.arrived).toEqual([1, 2, 3]);
      expect(answer.startAt.getTime()).toBe((last as { startAt: Date }).startAt.getTime());
      // By construction, not by timing: the agent answers the start as release + lead, and time only moves on.
      expect(answer.startsInMs).toBeLessThanOrEqual(LEAD_MS);
    }
    // Arriving again (a retry) changes nothing.
    const again = await clients[0]!.arriveAtBarrier('run-1', 'job0.step2.start', { party: 1, parties: 3, timeoutS: 60 });
    expect(again.status === 'released' && again.startAt.getTime()).toBe((last as { startAt: Date }).startAt.getTime());
  });

  test('a party that never arrives holds the others only until the timeout, and is named', async () => {
    const client = createDaemonClient({ host: '127.0.0.1', port: server.address.port, token });
    const before = Date.now();
    let state = await client.arriveAtBarrier('run-2', 'job0.step1.done', { party: 1, parties: 2, timeoutS: 1, waitS: 30 });
    while (state.status !== 'released') state = await client.arriveAtBarrier('run-2', 'job0.step1.done', { party: 1, parties: 2, timeoutS: 1, waitS: 30 });
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    expect(state.releasedBy).toBe('timeout');
    expect(state.missing).toEqual([2]);
    expect(state.arrived).toEqual([1]);
  });

  test('a note from one party reaches the others', async () => {
    const client = createDaemonClient({ host: '127.0.0.1', port: server.address.port, token });
    await client.arriveAtBarrier('run-3', 'job0.step1.flow', { party: 1, parties: 2, timeoutS: 60, note: 'flow-abc' });
    const other = await client.arriveAtBarrier('run-3', 'job0.step1.flow', { party: 2, parties: 2, timeoutS: 60 });
    expect(other.notes).toEqual({ 1: 'flow-abc' });
  });

  test('barriers outlive DELETE /runs/{id}: a generator arriving late still gets the same start', async () => {
    await arrive('run-4', 'b', { party: 1, parties: 2, timeout_s: 60 });
    const opened = await arrive('run-4', 'b', { party: 2, parties: 2, timeout_s: 60 });
    expect((await server.call('DELETE', '/runs/run-4')).status).toBe(200);
    const late = await arrive('run-4', 'b', { party: 2, parties: 2, timeout_s: 60 });
    expect(late.status).toBe(200);
    expect(late.body.start_at).toBe(opened.body.start_at);
  });
});

describe('hostile input', () => {
  test('bodies that are not a well-formed arrival are a 422 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'party'],
      [{ party: 1, parties: 2 }, 'timeout_s'],
      [{ party: 0, parties: 2, timeout_s: 5 }, 'party'],
      [{ party: 3, parties: 2, timeout_s: 5 }, 'party 3 is not one of 1..2'],
      [{ party: 1.5, parties: 2, timeout_s: 5 }, 'party'],
      [{ party: '1', parties: 2, timeout_s: 5 }, 'party'],
      [{ party: 1, parties: 70000, timeout_s: 5 }, 'parties'],
      [{ party: 1, parties: 2, timeout_s: 0 }, 'timeout_s'],
      [{ party: 1, parties: 2, timeout_s: 3601 }, 'timeout_s'],
      [{ party: 1, parties: 2, timeout_s: 5, wait_s: 61 }, 'wait_s'],
      [{ party: 1, parties: 2, timeout_s: 5, lead_ms: -1 }, 'lead_ms'],
      [{ party: 1, parties: 2, timeout_s: 5, note: '$(reboot)' }, 'note'],
      [{ party: 1, parties: 2, timeout_s: 5, note: 'x'.repeat(129) }, 'note'],
      [{ party: 1, parties: 2, timeout_s: 5, command: 'rm -rf /' }, 'command'],
      [[1, 2], 'body'],
      ['null', 'body'],
    ];
    for (const [body, field] of cases) {
      const answer = await arrive('run-bad', 'b', body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.detail, JSON.stringify(body)).toContain(field);
    }
    const notJson = await arrive('run-bad', 'b', '{"party": 1,');
    expect(notJson.status).toBe(400);
    // Nothing was created by any of them.
    expect((await server.call('GET', '/runs/run-bad/barriers/b')).status).toBe(404);
  });

  test('names and run ids outside [A-Za-z0-9._-]{1,128} are refused', async () => {
    const body = { party: 1, parties: 1, timeout_s: 5 };
    for (const [runId, name] of [['run', '..'], ['run', 'a%20b'], ['run', 'x'.repeat(129)], ['run', '%2e%2e%2fetc'], ['a%20b', 'b'], ['..', 'b']]) {
      const answer = await arrive(runId!, name!, body);
      // 422 from the check; 414 for a path segment past fastify's limit; 404 where the client
      // resolved `..` away before sending (no route).
      expect([404, 414, 422], `${runId}/${name}`).toContain(answer.status);
    }
    expect((await server.call('GET', '/runs/run/barriers/a_b')).status).toBe(404);
  });

  test('a party count that differs from the first arrival\'s is a 409', async () => {
    expect((await arrive('run-5', 'b', { party: 1, parties: 3, timeout_s: 60 })).status).toBe(200);
    const answer = await arrive('run-5', 'b', { party: 2, parties: 4, timeout_s: 60 });
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toBe('barrier b of run run-5 is for 3 parties, not 4 (hint: every generator of a run needs the same n in STRESS_SEGMENT=i/n)');
  });

  test('without the token, or from a web page, a barrier is out of reach', async () => {
    const body = JSON.stringify({ party: 1, parties: 1, timeout_s: 5 });
    const noToken = await fetch(`${server.address.url}/runs/run-6/barriers/b`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(noToken.status).toBe(401);
    const wrongToken = await fetch(`${server.address.url}/runs/run-6/barriers/b`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body });
    expect(wrongToken.status).toBe(401);
    const page = await fetch(`${server.address.url}/runs/run-6/barriers/b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, origin: 'https://evil.example' },
      body,
    });
    expect(page.status).toBe(403);
    expect((await server.call('GET', '/runs/run-6/barriers/b')).status).toBe(404);
  });

  test('a client that hangs up while waiting leaves nothing waiting behind', async () => {
    const controller = new AbortController();
    const pending = fetch(`${server.address.url}/runs/run-7/barriers/b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ party: 1, parties: 2, timeout_s: 60, wait_s: 60 }),
      signal: controller.signal,
    }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    // The agent still answers, and closes promptly (no long poll holds it open).
    expect((await server.call('GET', '/runs/run-7/barriers/b')).body.arrived).toEqual([1]);
  });
});
