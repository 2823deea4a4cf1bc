import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createTestHosts, type TestHost } from './netns-hosts.ts';

const bin = join(resolve(import.meta.dirname, '../..'), 'bin/jina-stress.mjs');

/** A real `jina-stress agent` inside a test host's namespace, on the host's own address. */
export interface HostAgent {
  host: TestHost;
  url: string;
  root: string;
  child: ChildProcess;
  /** What the agent printed so far (stdout and stderr). */
  output(): string;
  /** The namespace's processes once the agent listens (the CLI may run as more than one). */
  pidsAtStart: number[];
}

export interface HostAgentOptions {
  token: string;
  /** `--runtimes` (default `reference`). */
  runtimes?: string;
  env?: Record<string, string>;
}

/** Starts the agent on `<host address>:8000` with a token and waits until it listens. */
export async function startHostAgent(host: TestHost, root: string, options: HostAgentOptions): Promise<HostAgent> {
  const child = host.spawn(process.execPath, [bin, 'agent', '--host', host.address, '--port', '8000', '--runtimes', options.runtimes ?? 'reference', '--workspace-root', root], {
    env: { ...process.env, ...options.env, JINA_STRESS_AGENT_TOKEN: options.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (!output.includes(`listening on http://${host.address}:8000`)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`agent on ${host.label} did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  return { host, url: `http://${host.address}:8000`, root, child, output: () => output, pidsAtStart: host.pids().sort() };
}

/** SIGTERM each agent still running (agents stop what they run) and wait up to 5 s for it. */
export async function stopHostAgents(agents: readonly HostAgent[]): Promise<void> {
  await Promise.all(
    agents.map(async (agent) => {
      if (agent.child.exitCode !== null) return;
      agent.child.kill('SIGTERM');
      await Promise.race([once(agent.child, 'exit'), new Promise((done) => setTimeout(done, 5_000))]);
    }),
  );
}

/** A GET on the agent's REST API, with its token. */
export async function agentGet(agent: HostAgent, path: string, token: string): Promise<any> {
  const response = await fetch(`${agent.url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
  return response.json();
}

/** What the agent holds: its API's flows (executors included) and workspaces, and its folders on disk. */
export async function agentHoldings(agent: HostAgent, token: string): Promise<{ flows: string[]; workspaces: string[]; onDisk: string[] }> {
  const flows = Object.keys((await agentGet(agent, '/flows', token)).items ?? {});
  const workspaces = Object.keys((await agentGet(agent, '/workspaces', token)).items ?? {});
  const onDisk = existsSync(agent.root) ? readdirSync(agent.root).filter((name) => !name.startsWith('.')) : [];
  return { flows, workspaces, onDisk };
}

/**
 * The namespace's processes that were not there when the agent listened, as command lines, less
 * one: the esbuild service tsx starts inside the agent the first time it compiles a lazily
 * imported module with a cold cache (a checkout runs the TypeScript sources; an installed package
 * does not). It is the agent's own compiler, a child of the agent, and serves no port; an
 * executor, a gateway or anything else left behind is still reported.
 */
export function processesSinceStart(agent: HostAgent): string[] {
  const read = (pid: number, file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  return agent.host
    .pids()
    .filter((pid) => !agent.pidsAtStart.includes(pid))
    .filter((pid) => {
      if (!existsSync(`/proc/${pid}`)) return false; // gone between the listing and now
      const command = read(pid, 'cmdline').split('\0');
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'.
      const parent = Number(read(pid, 'stat').split(') ')[1]?.split(' ')[1]);
      const tsxCompiler = /\/node_modules\/@esbuild\/[^/]+\/bin\/esbuild$/.test(command[0] ?? '') && (command[1] ?? '').startsWith('--service=');
      return !(tsxCompiler && agent.pidsAtStart.includes(parent));
    })
    .map((pid) => `${pid}: ${read(pid, 'cmdline').split('\0').join(' ').trim()}`);
}

/** Test hosts with an agent each, and a scratch folder for their workspaces. */
export interface HostsWithAgents {
  hosts: readonly TestHost[];
  agents: HostAgent[];
  /** Stops the agents (SIGTERM, then what is left is killed), removes the hosts and the folder. */
  close(): Promise<void>;
}

/**
 * `count` network-namespace hosts, an agent on each (`<address>:8000`, the options' token and
 * runtimes). On a failure part-way, what was made is removed before the error is thrown.
 */
export async function startHostsWithAgents(count: number, folderPrefix: string, options: HostAgentOptions): Promise<HostsWithAgents> {
  const hosts = createTestHosts(count);
  const folder = mkdtempSync(join(tmpdir(), folderPrefix));
  const agents: HostAgent[] = [];
  const close = async () => {
    await stopHostAgents(agents);
    hosts.close();
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (const host of hosts.hosts) agents.push(await startHostAgent(host, join(folder, host.label), options));
  } catch (error) {
    await close();
    throw error;
  }
  return { hosts: hosts.hosts, agents, close };
}
