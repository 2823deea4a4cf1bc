import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createAgent, type Agent } from '../../src/agent/create-agent.ts';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { isStressError, type StressError } from '../../src/errors.ts';
import { freePort } from '../agent/free-port.ts';
import { startTestAgent, type TestAgent } from '../agent/test-agent.ts';
import { startFlakyProxy, type FlakyProxy, type InjectedFailure } from './flaky-proxy.ts';

let files: string;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(() => {
  files = mkdtempSync(join(tmpdir(), 'daemon-retry-test-'));
  writeFileSync(join(files, 'big.bin'), Buffer.alloc(200_000, 0x5a));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(files, { recursive: true, force: true }));

async function agentBehindProxy(failures: InjectedFailure[]): Promise<{ server: TestAgent; proxy: FlakyProxy }> {
  const server = await startTestAgent();
  const proxy = await startFlakyProxy({ target: server.address.url, failures });
  cleanups.push(() => server.agent.close(), () => proxy.close());
  return { server, proxy };
}

async function failure(promise: Promise<unknown>): Promise<StressError> {
  const error = await promise.catch((caught: unknown) => caught);
  if (!isStressError(error)) throw new Error(`expected a StressError, got ${String(error)}`);
  return error;
}

describe('daemon client retries', () => {
  test('503 then 502 then success: the upload arrives whole on the third attempt', async () => {
    const { server, proxy } = await agentBehindProxy([503, 502]);
    const client = createDaemonClient({ host: '127.0.0.1', port: proxy.port, retryBaseDelayMs: 20 });
    const workspaceId = await client.createWorkspace([{ path: join(files, 'big.bin'), name: 'big.bin' }]);
    expect(proxy.requests.map((r) => r.method + ' ' + r.path)).toEqual(Array(3).fill('POST /workspaces'));
    const stored = readFileSync(join(server.agent.workspaceRoot, workspaceId, 'big.bin'));
    expect(stored.equals(readFileSync(join(files, 'big.bin')))).toBe(true);
  });

  test('connections reset twice, then success', async () => {
    const { proxy } = await agentBehindProxy(['reset', 'reset']);
    const client = createDaemonClient({ host: '127.0.0.1', port: proxy.port, retryBaseDelayMs: 20 });
    expect((await client.status()).workspaces).toEqual({ size: 0, items: [] });
    expect(proxy.requests).toHaveLength(3);
  });

  test('503 every time: four attempts, then an error naming status, detail and attempts', async () => {
    const failing = await startFlakyProxy({ alwaysStatus: 503 });
    cleanups.push(() => failing.close());
    const client = createDaemonClient({ host: '127.0.0.1', port: failing.port, retryBaseDelayMs: 20 });
    const startedMs = performance.now();
    const error = await failure(client.terminateFlow('f1'));
    expect(error.code).toBe('DAEMON_HTTP');
    expect(error.message).toBe('terminate_flow: DELETE /flows/f1?workspace=false → 503: injected 503 (after 4 attempts)');
    expect(failing.requests).toHaveLength(4);
    // Backoff 20 × 2^n, each jittered into its upper half: at least 10 + 20 + 40 ms.
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(70);
  });

  test('refused while the daemon starts up, then answered once it listens', async () => {
    const port = await freePort();
    let agent: Agent | undefined;
    const starting = new Promise<void>((resolve) =>
      setTimeout(async () => {
        agent = createAgent({ port, runtime: 'process' });
        await agent.listen();
        resolve();
      }, 300),
    );
    cleanups.push(async () => {
      await starting;
      await agent?.close();
    });
    const client = createDaemonClient({ host: '127.0.0.1', port, retries: 5, retryBaseDelayMs: 100 });
    const status = await client.status();
    expect((status.jina as Record<string, unknown>).runtimes).toContain('process');
  });

  test('refused every time: DAEMON_UNREACHABLE with the address, the attempts and a hint', async () => {
    const port = await freePort();
    const client = createDaemonClient({ host: '127.0.0.1', port, retryBaseDelayMs: 10 });
    const error = await failure(client.createWorkspace([{ path: join(files, 'big.bin'), name: 'big.bin' }]));
    expect(error.code).toBe('DAEMON_UNREACHABLE');
    expect(error.message).toBe(
      `create_workspace: POST /workspaces → no answer from http://127.0.0.1:${port} after 4 attempts: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(error.hint).toContain('npx jina-stress agent');
    expect(error.details).toMatchObject({ code: 'ECONNREFUSED', attempts: 4 });
  });

  test('a daemon that does not answer in time is not retried (the call may be under way)', async () => {
    const silent = await startFlakyProxy({ failures: ['hang'] });
    cleanups.push(() => silent.close());
    const client = createDaemonClient({ host: '127.0.0.1', port: silent.port, timeoutMs: 200, retryBaseDelayMs: 10 });
    const error = await failure(client.deleteWorkspace('w1'));
    expect(error.code).toBe('DAEMON_UNREACHABLE');
    expect(error.message).toContain('delete_workspace: DELETE /workspaces/w1 → no answer from');
    expect(error.message).toContain('after 1 attempt: timeout of 200ms exceeded');
    expect(error.hint).toContain('took too long');
    expect(silent.requests).toHaveLength(1);
  });
});
