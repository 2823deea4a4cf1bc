import type { ProcessRole } from '../daemon/agent-metrics.ts';

/** What a process of a Jina Flow is, from the name Jina logs it under. */
export interface JinaProcessName {
  /** As Jina logs it: `encoder/rep-0`, `indexer/shard-1/rep-0`, `indexer/head`, `gateway/rep-0`. */
  name: string;
  role: Extract<ProcessRole, 'executor' | 'head' | 'gateway'>;
  /** The deployment (the Flow's executor name); absent for the gateway. */
  executor?: string;
  shard?: number;
  replica?: number;
}

// Jina's log records start `<level> <name>@<pid> ` (rich) or `<name>@<pid>[<level>]:` (plain):
// the logger's name is the pod's (`{name}@%(process)2d` in jina/resources/logging.*.yml).
const recordName = /^(?:[A-Z]+\S*\s+)?\s*([A-Za-z0-9_.-]{1,100}(?:\/[A-Za-z0-9_.-]{1,40}){0,3})@\s?(\d{1,10})\b/;
const ansiEscape = /\u001b\[[0-9;]*[A-Za-z]/g;
const maxProcesses = 1024;

/**
 * Which executor each process of a `jina flow` is. `jina flow` forks its pods (Linux's default
 * start method): they share its command line and environment, so /proc cannot tell them
 * apart. Each pod logs under its own name with its pid (`indexer/shard-0/rep-0@12943 start
 * server bound to 0.0.0.0:51236`, at INFO, which is Jina's default level); this reads those
 * lines as the agent follows the Flow's output. A pod that never logs stays unnamed and is
 * reported with its pid.
 */
export class JinaProcessNames {
  private readonly byPid = new Map<number, JinaProcessName>();

  /** Feed every line the Flow writes (stdout and stderr). */
  readLine(line: string): void {
    const match = recordName.exec(line.replace(ansiEscape, ''));
    if (!match) return;
    const pid = Number(match[2]);
    if (this.byPid.has(pid) || this.byPid.size >= maxProcesses) return;
    const parsed = parseJinaProcessName(match[1] as string);
    if (parsed) this.byPid.set(pid, parsed);
  }

  get(pid: number): JinaProcessName | undefined {
    return this.byPid.get(pid);
  }
}

/** `indexer/shard-1/rep-0` → executor indexer, shard 1, replica 0; undefined for other loggers (`Flow`). */
export function parseJinaProcessName(name: string): JinaProcessName | undefined {
  const [deployment, ...parts] = name.split('/');
  if (!deployment || parts.length === 0) return undefined;
  let shard: number | undefined;
  let replica: number | undefined;
  let isHead = false;
  for (const part of parts) {
    const numbered = /^(shard|rep)-(\d{1,4})$/.exec(part);
    if (numbered?.[1] === 'shard') shard = Number(numbered[2]);
    else if (numbered?.[1] === 'rep') replica = Number(numbered[2]);
    else if (part === 'head') isHead = true;
    else return undefined;
  }
  if (deployment === 'gateway') return { name, role: 'gateway', ...(replica !== undefined ? { replica } : {}) };
  return {
    name,
    role: isHead ? 'head' : 'executor',
    executor: deployment,
    ...(shard !== undefined ? { shard } : {}),
    ...(replica !== undefined ? { replica } : {}),
  };
}
