import { readFileSync, readdirSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { readProcessStat } from './process-identity.ts';

/**
 * Linux exports CPU times in USER_HZ ticks, fixed at 100 per second for user space on every
 * architecture Node runs on (the kernel's internal HZ may differ; /proc converts).
 */
export const TICKS_PER_SECOND = 100;

/** One process as /proc/<pid>/stat tells it. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Start time in ticks after boot: with the pid, who the process is (pids are reused). */
  startTicks: number;
  /** utime + stime of the process (all its threads), in ticks. */
  cpuTicks: number;
}

/** The host and its processes at one instant. */
export interface ProcSnapshot {
  /** performance.now() when it was read. */
  atMs: number;
  /** Busy and total CPU ticks of every core since boot (/proc/stat `cpu` line). */
  hostCpu: { busyTicks: number; totalTicks: number } | undefined;
  memory: { totalBytes: number; availableBytes: number };
  /** Live processes (zombies left out); empty where there is no /proc. */
  processes: Map<number, ProcEntry>;
}

/**
 * Reads what the host-metrics sampler needs from /proc in one pass: host CPU (/proc/stat),
 * memory (/proc/meminfo: used = MemTotal - MemAvailable, what `free` calls used + what the
 * kernel cannot reclaim), and every process's stat line (one scan, shared by every Flow).
 * Without /proc (not Linux) the host totals come from Node's os module and no process is seen.
 * Written by hand: pidusage keeps a per-pid history of its own and has no tree, pidtree runs
 * `ps` on every call, and neither reads the host totals; the agent already identifies its
 * process groups through /proc (process-identity.ts).
 */
export function readProcSnapshot(now: number): ProcSnapshot {
  return { atMs: now, hostCpu: readHostCpu(), memory: readMemory(), processes: readProcesses() };
}

function readHostCpu(): ProcSnapshot['hostCpu'] {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is
    // already inside user and nice, so the first eight columns are the total.
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busyTicks: total - idle, totalTicks: total };
  } catch {
    const times = cpus().map((cpu) => cpu.times);
    const total = times.reduce((sum, t) => sum + t.user + t.nice + t.sys + t.idle + t.irq, 0);
    const idle = times.reduce((sum, t) => sum + t.idle, 0);
    return total > 0 ? { busyTicks: total - idle, totalTicks: total } : undefined;
  }
}

function readMemory(): ProcSnapshot['memory'] {
  try {
    const text = readFileSync('/proc/meminfo', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
    const totalKb = kb('MemTotal');
    const availableKb = kb('MemAvailable');
    if (Number.isFinite(totalKb) && Number.isFinite(availableKb)) return { totalBytes: totalKb * 1024, availableBytes: availableKb * 1024 };
  } catch {
    // not Linux: below
  }
  return { totalBytes: totalmem(), availableBytes: freemem() };
}

function readProcesses(): Map<number, ProcEntry> {
  const processes = new Map<number, ProcEntry>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return processes;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const parsed = readProcStat(Number(entry));
    if (parsed) processes.set(parsed.pid, parsed);
  }
  return processes;
}

/** One process's stat line (process-identity.ts reads it); undefined when it is gone or a zombie. */
export function readProcStat(pid: number): ProcEntry | undefined {
  const stat = readProcessStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return undefined;
  return { pid, ppid: stat.ppid, pgrp: stat.pgrp, cpuTicks: stat.cpuTicks, startTicks: stat.startTicks };
}

/** Resident memory of a process in bytes (VmRSS of /proc/<pid>/status); undefined when gone. */
export function readResidentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return undefined;
  }
}
