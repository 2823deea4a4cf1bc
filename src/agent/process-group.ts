import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { Readable } from 'node:stream';

export type ProcessExit =
  | { status: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { status: 'spawn-error'; message: string };

export interface ProcessGroupOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ProcessGroup {
  pid: number | undefined;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the group's leader exits (or never started). */
  exited: Promise<ProcessExit>;
  /** SIGTERM to the whole group, SIGKILL to what is left after `graceMs`; resolves when no member is left. */
  stop(graceMs: number): Promise<void>;
}

// Groups still running, killed outright if the agent's process exits without closing it
// (a Vitest worker calling process.exit, an uncaught error): no Flow outlives its agent.
const liveGroups = new Set<number>();
let isExitHookInstalled = false;

function installExitHook(): void {
  if (isExitHookInstalled) return;
  isExitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
}

/** Runs a command as the leader of a new process group, so stopping it reaches every descendant. */
export function spawnProcessGroup(options: ProcessGroupOptions): ProcessGroup {
  installExitHook();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => resolve({ status: 'spawn-error', message: error.message }));
    child.once('exit', (code, signal) => resolve({ status: 'exited', code, signal }));
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs: number) => {
    stopping ??= (async () => {
      if (pid === undefined) return;
      await stopProcessGroup(pid, graceMs);
      liveGroups.delete(pid);
    })();
    return stopping;
  };
  return { pid, stdout: child.stdout, stderr: child.stderr, exited, stop };
}

/**
 * SIGTERM to every member of the group, SIGKILL to what is left after `graceMs`. Resolves
 * true once no member is left. Also used for groups an earlier agent left (see
 * reconcile-leftovers), after their identity was checked.
 */
export async function stopProcessGroup(pgid: number, graceMs: number): Promise<boolean> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntilGone(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitUntilGone(pgid, 2000);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (hasLiveMember(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/**
 * Whether any process of the group is still running. On Linux this reads /proc and skips
 * zombies: where PID 1 does not reap orphans (containers), a killed grandchild stays a
 * zombie forever and `kill(-pgid, 0)` would report the group alive.
 */
export function hasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}
