import { readdirSync, readlinkSync } from 'node:fs';
import { sep } from 'node:path';

/** Pids of live processes whose working directory is `folder` or inside it (Linux /proc). */
export function processesWorkingIn(folder: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue;
    }
    if (cwd === folder || cwd.startsWith(folder + sep)) found.push(Number(entry));
  }
  return found;
}
