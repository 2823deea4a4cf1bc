import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StressError } from '../errors.ts';
import { AGENT_LEDGER_FILE, AgentLedger, type LedgerLease } from './agent-ledger.ts';
import { currentBootId, isSameProcessGroup, readProcessStat } from './process-identity.ts';
import { stopProcessGroup } from './process-group.ts';
import { workspaceIdPattern, type Workspace } from './workspace-store.ts';

export interface Leftovers {
  /** Workspaces of runs whose lease is still running: the run may still be alive and renew it. */
  kept: Workspace[];
  leases: Record<string, LedgerLease>;
}

/**
 * Cleans up after an earlier agent on the same workspace root that did not close (kill -9, a
 * crash, the OOM killer): stops the Flow process groups it had started (checked against /proc,
 * so a reused pid is never killed), removes its workspaces (except those of a run whose
 * lease is still running; they expire with it) and its staging folders. Each removal is
 * logged. Folders the earlier agent did not record are not its: they are left alone.
 */
export async function reconcileLeftovers(
  root: string,
  options: { stopGraceMs: number; log: (line: string) => void },
): Promise<Leftovers> {
  const { log } = options;
  const previous = AgentLedger.readPrevious(root);
  if (previous.problem) log(`ignoring the ledger an earlier agent left (${previous.problem}): nothing of it is removed`);
  const ledger = previous.data;
  const kept: Workspace[] = [];
  const leases: Record<string, LedgerLease> = {};
  if (ledger) {
    const isSameBoot = ledger.bootId !== undefined && ledger.bootId === currentBootId();
    if (isSameBoot && ledger.pid !== process.pid && ledger.pidStartTicks !== undefined) {
      const owner = readProcessStat(ledger.pid);
      if (owner && owner.state !== 'Z' && owner.startTicks === ledger.pidStartTicks) {
        throw new StressError('AGENT_RUNTIME', `workspace root ${root} is in use by another agent (pid ${ledger.pid})`, {
          hint: 'give each agent its own --workspace-root',
        });
      }
    }
    for (const group of ledger.processGroups) {
      if (!isSameProcessGroup(group.pgid, group.startTicks, ledger.bootId)) continue;
      const isGone = await stopProcessGroup(group.pgid, options.stopGraceMs);
      log(`stopped Flow process group ${group.pgid} (workspace ${group.workspaceId}) left by an earlier agent (pid ${ledger.pid})${isGone ? '' : ': some members did not exit'}`);
    }
    const nowMs = Date.now();
    for (const [id, recorded] of Object.entries(ledger.workspaces)) {
      // The ledger is a file on disk: an id that is not one is never turned into a path.
      if (!workspaceIdPattern.test(id)) continue;
      const workdir = join(root, id);
      const lease = recorded.runId ? ledger.leases[recorded.runId] : undefined;
      if (recorded.runId && lease && lease.expiresAtMs > nowMs && (await isDirectory(workdir))) {
        const info = await lstat(workdir);
        kept.push({ id, workdir, runId: recorded.runId, timeCreated: new Date(recorded.timeCreated), timeUpdated: info.mtime });
        leases[recorded.runId] = lease;
        log(`kept workspace ${id} of run ${recorded.runId}: its lease runs until ${new Date(lease.expiresAtMs).toISOString()}`);
        continue;
      }
      await rm(workdir, { recursive: true, force: true });
      log(`removed workspace ${id}${recorded.runId ? ` (run ${recorded.runId})` : ''} left by an earlier agent (pid ${ledger.pid})`);
    }
  }
  for (const entry of await readdir(root)) {
    if (entry.startsWith('.staging-') || (entry.startsWith(`${AGENT_LEDGER_FILE}.`) && entry.endsWith('.tmp'))) {
      await rm(join(root, entry), { recursive: true, force: true });
    }
  }
  return { kept, leases };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
