import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * TCP ports a process listens on: its socket inodes (/proc/<pid>/fd) matched against the
 * listening sockets of its network namespace (/proc/<pid>/net/tcp and tcp6). Empty when the
 * process is gone or /proc cannot say (not Linux, not ours to read).
 */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1] as string);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return [];
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st ... inode: state 0A is LISTEN, the inode is column 10.
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) ports.add(parseInt(fields[1]?.split(':')[1] ?? '', 16));
    }
  }
  return [...ports];
}
