import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import type { DocarrayVersion } from '../../src/protocol/document.ts';

const repo = resolve(import.meta.dirname, '../..');

/** `jina` of the environment `scripts/setup-jina.sh` makes for a docarray format. */
export function jinaBin(docarray: DocarrayVersion): string {
  return join(repo, '.jina-envs', docarray, 'bin', 'jina');
}

export function hasJina(docarray: DocarrayVersion): boolean {
  return existsSync(jinaBin(docarray));
}

export function jinaFlowFile(docarray: DocarrayVersion, name: string): string {
  return join(repo, 'fixtures/flows/jina', docarray, name);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export interface JinaFlowProcess {
  port: number;
  protocol: GatewayProtocol;
  workspace: string;
  readyMs: number;
  /** Pid of an executor replica from the Flow's log (`failing/rep-0@<pid>`). */
  executorPid(runtimeName: string): number;
  lastLogLines(count?: number): string;
  /** SIGTERM to the whole process group, SIGKILL after the grace time; removes the workspace. */
  stop(): Promise<void>;
}

/**
 * `jina flow --uses <yaml>` in its own process group (the executors are its children), with
 * JINA_PORT and JINA_WORKSPACE set, ready when our own client's dry run succeeds over the
 * Flow's protocol. The group is killed if this process exits first.
 */
export async function startJinaFlow(options: { docarray: DocarrayVersion; yaml: string; protocol: GatewayProtocol; timeoutMs?: number }): Promise<JinaFlowProcess> {
  const { docarray, yaml, protocol } = options;
  const port = await freePort();
  const workspace = mkdtempSync(join(tmpdir(), 'jina-fidelity-'));
  const logPath = join(workspace, 'flow.log');
  const log = openSync(logPath, 'w');
  const startedAt = performance.now();
  const child = spawn(jinaBin(docarray), ['flow', '--uses', yaml], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, JINA_PORT: String(port), JINA_WORKSPACE: workspace, JINA_LOG_LEVEL: 'INFO' },
  });
  closeSync(log);
  const killGroup = (): void => signalGroup(child, 'SIGKILL');
  process.once('exit', killGroup);
  const lastLogLines = (count = 30): string => plainLog(logPath).split('\n').slice(-count).join('\n');
  const stop = async (): Promise<void> => {
    process.off('exit', killGroup);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(killGroup, 10_000);
      await exited;
      clearTimeout(timer);
    }
    // Stragglers of the group (executors that outlived the Flow process), if any.
    killGroup();
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child, { host: '127.0.0.1', port, protocol, docarray }, options.timeoutMs ?? 90_000);
  } catch (error) {
    const lines = lastLogLines();
    await stop();
    throw new Error(`${(error as Error).message}\n--- last lines of ${yaml} ---\n${lines}`);
  }
  return {
    port,
    protocol,
    workspace,
    readyMs: performance.now() - startedAt,
    executorPid(runtimeName) {
      const match = new RegExp(`${runtimeName.replace(/[/.]/g, '\\$&')}@(\\d+)`).exec(plainLog(logPath));
      if (!match) throw new Error(`no ${runtimeName}@<pid> in the Flow's log:\n${lastLogLines()}`);
      return Number(match[1]);
    },
    lastLogLines,
    stop,
  };
}

async function waitUntilReady(
  child: ChildProcess,
  target: { host: string; port: number; protocol: GatewayProtocol; docarray: DocarrayVersion },
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`jina flow exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    const client = createGatewayClient({ target });
    try {
      await client.connect();
      if ((await client.dryRun()).status === 'ready') return;
    } catch {
      // not listening yet
    } finally {
      await client.close();
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`jina flow not ready after ${timeoutMs} ms`);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

function plainLog(path: string): string {
  // Jina colours its log lines.
  return readFileSync(path, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
}
