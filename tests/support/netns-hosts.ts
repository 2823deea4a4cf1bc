import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Test "hosts" on one Linux machine: network namespaces joined by veth links to one bridge
 * in the root namespace (iproute2; needs root, which CI has). Each host has its own address
 * on a /24 of 10.231.0.0/16, reaches the others and is reached from the root namespace; its
 * link can be cut (`ip link set <root end> down`) to simulate a host falling off the network.
 *
 * Everything is named with the project prefix and the creating process's pid
 * (`jst-<pid>-h<N>` namespaces, `jst<pid>br` bridge, `jst<pid>h<N>` veth ends), so
 * `sweepStaleHosts()` removes only what a dead process left. `close()` kills the processes
 * inside each namespace, then deletes the veths, the namespaces and the bridge.
 */
export const HOST_PREFIX = 'jst';

export interface TestHost {
  /** `h1`, `h2`, …: for messages. */
  readonly label: string;
  readonly namespace: string;
  readonly address: string;
  /** The veth end in the root namespace: down = this host is cut off. */
  readonly rootLink: string;
  /** Runs a command inside the namespace (`ip netns exec`); the pid is the command's own. */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Cuts the host's link (root end down): nothing reaches it, it reaches nothing. */
  cut(): void;
  /** Brings the link back. */
  restore(): void;
  /** Pids of every process in the namespace (`ip netns pids`). */
  pids(): number[];
}

export interface TestHosts {
  readonly hosts: readonly TestHost[];
  /** The bridge's address in the root namespace (what the hosts reach the root at). */
  readonly rootAddress: string;
  readonly bridge: string;
  close(): void;
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const tryIp = (...args: string[]): boolean => {
  try {
    ip(...args);
    return true;
  } catch {
    return false;
  }
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why namespaces cannot be made here, or undefined when they can. */
export function netnsUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs as root)';
  try {
    ip('netns', 'list');
  } catch (error) {
    return `iproute2 cannot list network namespaces: ${(error as Error).message.split('\n')[0]}`;
  }
  const probe = `${HOST_PREFIX}-${process.pid}-probe`;
  try {
    ip('netns', 'add', probe);
  } catch (error) {
    return `cannot create a network namespace: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    tryIp('netns', 'del', probe);
  }
  return undefined;
}

/** Removes namespaces and bridges of this project whose creating process is gone. */
export function sweepStaleHosts(): string[] {
  const removed: string[] = [];
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = new RegExp(`^${HOST_PREFIX}-(\\d+)-`).exec(name);
    if (match && !isAlive(Number(match[1]))) {
      killNamespaceProcesses(name);
      if (tryIp('netns', 'del', name)) removed.push(name);
    }
  }
  for (const line of ip('-o', 'link', 'show').split('\n')) {
    const match = new RegExp(`^\\d+: (${HOST_PREFIX}(\\d+)(br|h\\d+))[@:]`).exec(line);
    if (match && !isAlive(Number(match[2]))) {
      if (tryIp('link', 'del', match[1]!)) removed.push(match[1]!);
    }
  }
  return removed;
}

function killNamespaceProcesses(namespace: string): void {
  for (const pid of namespacePids(namespace)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function namespacePids(namespace: string): number[] {
  try {
    return ip('netns', 'pids', namespace)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** A /24 of 10.231.0.0/16 that no interface of the root namespace uses yet. */
function freeSubnet(): number {
  const used = new Set([...ip('-4', '-o', 'addr', 'show').matchAll(/inet 10\.231\.(\d+)\./g)].map((match) => Number(match[1])));
  const start = (process.pid % 250) + 1;
  for (let step = 0; step < 250; step++) {
    const candidate = ((start + step - 1) % 250) + 1;
    if (!used.has(candidate)) return candidate;
  }
  throw new Error('no free 10.231.X.0/24 subnet for test hosts');
}

/**
 * Creates `count` hosts (10.231.X.2 … X.(count+1)), the root at 10.231.X.1. Sweeps stale
 * hosts first. On any failure removes what it made and throws.
 */
export function createTestHosts(count: number): TestHosts {
  sweepStaleHosts();
  const pid = process.pid;
  const bridge = `${HOST_PREFIX}${pid}br`;
  const namespaces: string[] = [];
  const rootLinks: string[] = [];
  const close = (): void => {
    for (const namespace of namespaces) killNamespaceProcesses(namespace);
    // The kernel frees a deleted namespace's veths later; deleting the root end is immediate.
    for (const link of rootLinks) tryIp('link', 'del', link);
    for (const namespace of namespaces) tryIp('netns', 'del', namespace);
    tryIp('link', 'del', bridge);
  };
  try {
    const subnet = freeSubnet();
    const rootAddress = `10.231.${subnet}.1`;
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${rootAddress}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    const hosts: TestHost[] = [];
    for (let index = 1; index <= count; index++) {
      const label = `h${index}`;
      const namespace = `${HOST_PREFIX}-${pid}-${label}`;
      const rootLink = `${HOST_PREFIX}${pid}${label}`;
      const inner = `${HOST_PREFIX}${pid}p${index}`;
      const address = `10.231.${subnet}.${index + 1}`;
      ip('netns', 'add', namespace);
      namespaces.push(namespace);
      ip('link', 'add', rootLink, 'type', 'veth', 'peer', 'name', inner);
      rootLinks.push(rootLink);
      ip('link', 'set', inner, 'netns', namespace);
      ip('-n', namespace, 'addr', 'add', `${address}/24`, 'dev', inner);
      ip('-n', namespace, 'link', 'set', inner, 'up');
      ip('-n', namespace, 'link', 'set', 'lo', 'up');
      ip('link', 'set', rootLink, 'master', bridge, 'up');
      hosts.push({
        label,
        namespace,
        address,
        rootLink,
        spawn: (command, args, options = {}) => spawn('ip', ['netns', 'exec', namespace, command, ...args], options),
        cut: () => void ip('link', 'set', rootLink, 'down'),
        restore: () => void ip('link', 'set', rootLink, 'up'),
        pids: () => namespacePids(namespace),
      });
    }
    return { hosts, rootAddress, bridge, close };
  } catch (error) {
    close();
    throw error;
  }
}
