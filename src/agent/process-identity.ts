import { readFileSync, readdirSync } from 'node:fs';

/**
 * Who a process is, as /proc tells it: a pid alone is not an identity (pids are reused), a
 * pid with its start time (clock ticks since boot) and the boot id is. Linux only; elsewhere
 * every function answers "unknown", and the agent then never kills what it cannot identify.
 */
export interface ProcessStat {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Start time in clock ticks after boot (field 22 of /proc/<pid>/stat). */
  startTicks: number;
  /** One-letter state; Z (zombie) and X (dead) are gone for every purpose here. */
  state: string;
  /** utime + stime of the process (all its threads), in USER_HZ ticks. */
  cpuTicks: number;
}

export function readProcessStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces or ")": fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15) ... starttime(22), so index = field - 3.
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    startTicks: Number(fields[19]),
  };
}

/** The kernel's id for this boot: start times from another boot mean nothing. */
export function currentBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Live (not zombie) members of process group `pgid`. */
export function liveGroupMembers(pgid: number): ProcessStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: ProcessStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(stat);
  }
  return members;
}

/**
 * Whether group `pgid` is still the one that started at `startTicks` in boot `bootId`. The
 * leader, when alive, must have that exact start time (a reused pid has a later one). With the
 * leader gone, Linux keeps the number reserved while any member lives, so members that started
 * no earlier than the leader are its descendants.
 */
export function isSameProcessGroup(pgid: number, startTicks: number, bootId: string | undefined): boolean {
  if (bootId === undefined || bootId !== currentBootId()) return false;
  const members = liveGroupMembers(pgid);
  if (members.length === 0) return false;
  const leader = members.find((member) => member.pid === pgid);
  if (leader) return leader.startTicks === startTicks;
  return members.every((member) => member.startTicks >= startTicks);
}
