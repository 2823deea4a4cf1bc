import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentLedger } from './agent-ledger.ts';
import type { StagedFile } from './read-upload.ts';

export interface Workspace {
  id: string;
  workdir: string;
  /** The run that created it (`run_id`), if it said. */
  runId?: string;
  timeCreated: Date;
  timeUpdated: Date;
}

// Ids become folder names: this pattern is what keeps a client-chosen id inside the root.
export const workspaceIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Workspaces on disk, one folder each under `root`; the folder is the source of truth for
 * files, the ledger for which folders are the agent's. Callers serialise operations on one
 * workspace (see KeyedLock); this class assumes it.
 */
export class WorkspaceStore {
  readonly root: string;
  readonly timeCreated = new Date();
  timeUpdated = new Date();
  numAdd = 0;
  numDel = 0;
  private readonly workspaces = new Map<string, Workspace>();

  constructor(
    root: string,
    private readonly ledger: AgentLedger,
  ) {
    this.root = root;
  }

  /** Takes over a workspace an earlier agent on this root left, still inside a live lease. */
  adopt(workspace: Workspace): void {
    this.workspaces.set(workspace.id, workspace);
    this.ledger.setWorkspace(workspace.id, {
      ...(workspace.runId ? { runId: workspace.runId } : {}),
      timeCreated: workspace.timeCreated.toISOString(),
    });
  }

  get(id: string): Workspace {
    const workspace = this.workspaces.get(id);
    if (!workspace) throw agentHttpError(404, `workspace ${id} not found`);
    return workspace;
  }

  has(id: string): boolean {
    return this.workspaces.has(id);
  }

  list(): Workspace[] {
    return [...this.workspaces.values()];
  }

  /** An id for a new workspace, or the client's, checked. */
  static chooseId(requested: string | undefined): string {
    if (requested !== undefined && !workspaceIdPattern.test(requested)) {
      throw agentHttpError(422, `workspace_id ${JSON.stringify(requested)} is not a valid id (letters, digits, "-", "_")`);
    }
    return requested ?? randomUUID();
  }

  /**
   * Moves staged files into workspace `id` (created when absent, as JinaD 1.x did); existing
   * files of the same name are overwritten. A workspace belongs to the run that created it:
   * naming another run is a 409.
   */
  async commit(files: StagedFile[], id: string, runId?: string): Promise<{ workspace: Workspace; isNew: boolean }> {
    const existing = this.workspaces.get(id);
    if (existing && runId !== undefined && existing.runId !== runId) {
      throw agentHttpError(409, `workspace ${id} belongs to ${existing.runId ? `run ${existing.runId}` : 'no run'}, not run ${runId}`, {
        hint: 'use a workspace of this run, or create one without workspace_id',
      });
    }
    const workspace = existing ?? (await this.create(id, runId));
    for (const file of files) {
      const target = await placeInside(workspace.workdir, file.name);
      try {
        await rename(file.stagedPath, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
          throw agentHttpError(400, `cannot store "${file.name}": a file or folder on its path has another kind`);
        }
        throw error;
      }
    }
    workspace.timeUpdated = new Date();
    this.timeUpdated = workspace.timeUpdated;
    return { workspace, isNew: !existing };
  }

  /** Relative POSIX paths of every file in the workspace folder (none once it is gone). */
  async files(id: string): Promise<string[]> {
    const workspace = this.get(id);
    let entries;
    try {
      entries = await readdir(workspace.workdir, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(workspace.workdir, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
  }

  /** Removes the folder, then forgets the workspace: once it is no longer listed, it is gone from disk. */
  async remove(id: string): Promise<void> {
    const workspace = this.get(id);
    await rm(workspace.workdir, { recursive: true, force: true });
    this.workspaces.delete(id);
    this.ledger.deleteWorkspace(id);
    this.numDel += 1;
    this.timeUpdated = new Date();
  }

  private async create(id: string, runId: string | undefined): Promise<Workspace> {
    const workspace: Workspace = {
      id,
      workdir: join(this.root, id),
      ...(runId ? { runId } : {}),
      timeCreated: new Date(),
      timeUpdated: new Date(),
    };
    const foreign = () =>
      agentHttpError(409, `workspace ${id} cannot be created: a folder of that name in the workspace root is not the agent's`, {
        hint: 'pick another workspace_id, or remove the folder from the workspace root',
      });
    if (await exists(workspace.workdir)) throw foreign();
    // On record before the folder exists, so a crash in between still leaves it findable.
    this.ledger.setWorkspace(id, { ...(runId ? { runId } : {}), timeCreated: workspace.timeCreated.toISOString() });
    try {
      // Not recursive: a folder that appeared meanwhile is not ours.
      await mkdir(workspace.workdir);
    } catch (error) {
      this.ledger.deleteWorkspace(id);
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw foreign();
      throw error;
    }
    this.workspaces.set(id, workspace);
    this.numAdd += 1;
    return workspace;
  }
}

/**
 * The absolute path for upload `name` (already checked by parseUploadName) inside `workdir`,
 * creating its folders one at a time. A symbolic link anywhere on the way (put there by a
 * Flow's executor, or by hand) is refused rather than followed, so an upload never lands
 * outside its workspace; the message names only the part of the upload's own path.
 */
async function placeInside(workdir: string, name: string): Promise<string> {
  const segments = name.split('/');
  let folder = workdir;
  for (const [index, segment] of segments.entries()) {
    const path = join(folder, segment);
    const isLast = index === segments.length - 1;
    const kind = await kindOf(path);
    const shown = segments.slice(0, index + 1).join('/');
    if (kind === 'link') throw agentHttpError(400, `cannot store "${name}": "${shown}" is a symbolic link in the workspace`);
    if (!isLast) {
      if (kind === 'other') throw agentHttpError(400, `cannot store "${name}": a file or folder on its path has another kind`);
      if (kind === 'missing') await mkdir(path).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
      // Made or found just now: if something swapped in a link meanwhile, stop here.
      if ((await kindOf(path)) !== 'folder') throw agentHttpError(400, `cannot store "${name}": "${shown}" changed while storing`);
    }
    folder = path;
  }
  return folder;
}

async function kindOf(path: string): Promise<'missing' | 'link' | 'folder' | 'other'> {
  try {
    const info = await lstat(path);
    return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
