import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isStressError, type StressError } from '../../src/errors.ts';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { freePort } from '../agent/free-port.ts';
import { flowYaml, startTestAgent, type TestAgent } from '../agent/test-agent.ts';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.ts';

const token = 'never-shown-token-5d0c';
let server: TestAgent;
let proxy: FlakyProxy;
let files: string;

beforeAll(async () => {
  server = await startTestAgent({ token });
  proxy = await startFlakyProxy({ target: server.address.url });
  files = mkdtempSync(join(tmpdir(), 'daemon-errors-test-'));
  writeFileSync(join(files, 'a.yml'), 'a');
});
afterAll(async () => {
  await proxy.close();
  await server.agent.close();
  rmSync(files, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<StressError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isStressError(error)) throw new Error(`expected a StressError, got ${inspect(error)}`);
  return error;
}

describe('daemon client errors', () => {
  test('a 4xx names call, method, path, status and detail, and is sent once', async () => {
    const client = createDaemonClient({ host: '127.0.0.1', port: proxy.port, token, retryBaseDelayMs: 10 });
    const before = proxy.requests.length;
    const error = await failure(client.deleteWorkspace('missing'));
    expect(error.code).toBe('DAEMON_HTTP');
    expect(error.message).toBe('delete_workspace: DELETE /workspaces/missing → 404: workspace missing not found');
    expect(error.hint).toContain('does not know this id');
    expect(error.details).toMatchObject({ httpStatus: 404, call: 'delete_workspace', attempts: 1 });
    expect(proxy.requests.length - before).toBe(1);

    const invalid = await failure(client.createWorkspace([{ path: join(files, 'a.yml'), name: 'a.yml' }], 'bad id!'));
    expect(invalid.message).toBe(
      'update_workspace: POST /workspaces → 422: workspace_id "bad id!" is not a valid id (letters, digits, "-", "_")',
    );
    expect(proxy.requests.length - before).toBe(2);
  });

  test('a flow that fails to start shows its last log lines in the message', async () => {
    const client = createDaemonClient({ host: '127.0.0.1', port: proxy.port, token });
    const workspaceId = await client.createWorkspace([{ path: join(files, 'a.yml'), name: 'a.yml' }]);
    writeFileSync(join(files, 'flow.yml'), flowYaml(await freePort()));
    const error = await failure(
      client.startFlow({ path: join(files, 'flow.yml'), name: 'flow.yml' }, workspaceId, {
        environment: { FIXTURE_EXIT_CODE: '7' },
      }),
    );
    expect(error.message).toMatch(/^start_flow: POST \/flows → 400: flow ".*" failed to start: exited with code 7/);
    expect(error.message).toContain('last log lines:\n    | fixture: pid');
    expect(error.message).toContain('    | fixture: ValueError: bad executor config');
    expect(error.details?.logTail).toContain('[agent] flow process exited with code 7');
  });

  test('a 500 is an answer, not an accident: not retried', async () => {
    const failing = await startFlakyProxy({ alwaysStatus: 500 });
    try {
      const client = createDaemonClient({ host: '127.0.0.1', port: failing.port, retryBaseDelayMs: 10 });
      const error = await failure(client.getFlow('f1'));
      expect(error.message).toBe('get_flow: GET /flows/f1 → 500: injected 500');
      expect(error.hint).toBe('the daemon failed: see its log');
      expect(failing.requests).toHaveLength(1);
    } finally {
      await failing.close();
    }
  });

  test('a missing or wrong token is a 401 with a hint, and the token is in no message or detail', async () => {
    const anonymous = createDaemonClient({ host: '127.0.0.1', port: server.address.port });
    const missing = await failure(anonymous.status());
    expect(missing.message).toBe('status: GET /status → 401: not authenticated: send Authorization: Bearer <token>');
    expect(missing.hint).toContain('daemon: {token: ...}');

    const wrong = createDaemonClient({ host: '127.0.0.1', port: server.address.port, token: `${token}-wrong` });
    const rejected = await failure(wrong.status());
    expect(rejected.message).toBe('status: GET /status → 401: invalid bearer token');
    const unreachable = createDaemonClient({ host: '127.0.0.1', port: await freePort(), token, retries: 0 });
    const refused = await failure(unreachable.status());
    for (const error of [rejected, refused]) {
      const everything = inspect(error, { depth: Infinity, showHidden: true }) + JSON.stringify(error.details) + error.format();
      expect(everything).not.toContain(token);
      expect(error.cause).toBeUndefined();
    }
  });
});
