import { readFileSync } from 'node:fs';

/**
 * Whether `pid` is a running process. A zombie counts as gone: in this container PID 1 does
 * not reap orphans, so a killed grandchild stays a zombie forever.
 */
export function isProcessRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

/** Polls until `pid` is gone or `timeoutMs` passes; returns whether it is gone. */
export async function waitForProcessGone(pid: number, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
