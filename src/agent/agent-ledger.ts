import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentBootId, readProcessStat } from './process-identity.ts';

/** The ledger's file name, in the workspace root (workspace ids cannot start with a dot). */
export const AGENT_LEDGER_FILE = '.jina-stress-agent.json';

export interface LedgerProcessGroup {
  pgid: number;
  /** The leader's start time, clock ticks after boot: with the boot id, the group's identity. */
  startTicks: number;
  workspaceId: string;
}

export interface LedgerWorkspace {
  runId?: string;
  timeCreated: string;
}

export interface LedgerLease {
  ttlS: number;
  /** Epoch milliseconds. */
  expiresAtMs: number;
}

export interface LedgerData {
  version: 1;
  /** The boot the process groups' start times belong to. */
  bootId?: string;
  /** The agent process that wrote the ledger, and its start time: a live one still owns the root. */
  pid: number;
  pidStartTicks?: number;
  processGroups: LedgerProcessGroup[];
  workspaces: Record<string, LedgerWorkspace>;
  leases: Record<string, LedgerLease>;
}

/**
 * What the agent created, on disk beside the workspaces: workspace folders (with their run
 * ids), Flow process groups (pgid + start time) and run leases. An agent killed with -9
 * cannot clean up; the next agent on the same root reads this to find what is left and to
 * tell its own folders from anything else in the root. Written synchronously on every change
 * (a few hundred bytes, temp file + rename), so a crash right after a spawn still leaves the
 * group on record.
 */
export class AgentLedger {
  private readonly path: string;
  private readonly data: LedgerData;

  constructor(root: string) {
    this.path = join(root, AGENT_LEDGER_FILE);
    this.data = {
      version: 1,
      bootId: currentBootId(),
      pid: process.pid,
      pidStartTicks: readProcessStat(process.pid)?.startTicks,
      processGroups: [],
      workspaces: {},
      leases: {},
    };
  }

  /** The ledger an earlier agent left in `root`; undefined when there is none or it is unreadable. */
  static readPrevious(root: string): { data?: LedgerData; problem?: string } {
    let text: string;
    try {
      text = readFileSync(join(root, AGENT_LEDGER_FILE), 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? {} : { problem: (error as Error).message };
    }
    try {
      const data = JSON.parse(text) as LedgerData;
      if (data?.version !== 1 || typeof data.workspaces !== 'object' || !Array.isArray(data.processGroups)) {
        return { problem: 'unknown format' };
      }
      return { data: { ...data, leases: data.leases ?? {} } };
    } catch {
      return { problem: 'not JSON' };
    }
  }

  setWorkspace(id: string, workspace: LedgerWorkspace): void {
    this.data.workspaces[id] = workspace;
    this.write();
  }

  deleteWorkspace(id: string): void {
    if (!(id in this.data.workspaces)) return;
    delete this.data.workspaces[id];
    this.write();
  }

  addProcessGroup(group: LedgerProcessGroup): void {
    this.data.processGroups.push(group);
    this.write();
  }

  removeProcessGroup(pgid: number): void {
    const before = this.data.processGroups.length;
    this.data.processGroups = this.data.processGroups.filter((group) => group.pgid !== pgid);
    if (this.data.processGroups.length !== before) this.write();
  }

  setLease(runId: string, lease: LedgerLease): void {
    this.data.leases[runId] = lease;
    this.write();
  }

  deleteLease(runId: string): void {
    if (!(runId in this.data.leases)) return;
    delete this.data.leases[runId];
    this.write();
  }

  /** Writes the current state (also the empty one: it replaces what an earlier agent left). */
  write(): void {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(this.data)}\n`, { mode: 0o600 });
      renameSync(temporary, this.path);
    } catch (error) {
      // The root itself is gone (removed on close): there is nothing left to keep track of.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
