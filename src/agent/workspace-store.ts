import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { agentHttpError } from './agent-http-error.ts';
import type { StagedFile } from './read-upload.ts';

export interface Workspace {
  id: string;
  workdir: string;
  timeCreated: Date;
  timeUpdated: Date;
}

// Ids become folder names: this pattern is what keeps a client-chosen id inside the root.
const workspaceIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Workspaces on disk, one folder each under `root`; the folder is the source of truth for files. */
export class WorkspaceStore {
  readonly root: string;
  readonly timeCreated = new Date();
  timeUpdated = new Date();
  numAdd = 0;
  numDel = 0;
  private readonly workspaces = new Map<string, Workspace>();

  constructor(root: string) {
    this.root = root;
  }

  /** Picks up folders left by an earlier agent on the same root, so their ids stay valid. */
  async load(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !workspaceIdPattern.test(entry.name)) continue;
      const info = await stat(join(this.root, entry.name));
      this.workspaces.set(entry.name, {
        id: entry.name,
        workdir: join(this.root, entry.name),
        timeCreated: info.birthtime,
        timeUpdated: info.mtime,
      });
    }
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

  /**
   * Moves staged files into workspace `id` (created when absent, as JinaD 1.x did) or into
   * a new workspace; existing files of the same name are overwritten.
   */
  async commit(files: StagedFile[], id?: string): Promise<{ workspace: Workspace; isNew: boolean }> {
    if (id !== undefined && !workspaceIdPattern.test(id)) {
      throw agentHttpError(422, `workspace_id ${JSON.stringify(id)} is not a valid id (letters, digits, "-", "_")`);
    }
    const workspaceId = id ?? randomUUID();
    const existing = this.workspaces.get(workspaceId);
    const workspace = existing ?? {
      id: workspaceId,
      workdir: join(this.root, workspaceId),
      timeCreated: new Date(),
      timeUpdated: new Date(),
    };
    await mkdir(workspace.workdir, { recursive: true });
    if (!existing) {
      this.workspaces.set(workspaceId, workspace);
      this.numAdd += 1;
    }
    for (const file of files) {
      const target = join(workspace.workdir, ...file.name.split('/'));
      try {
        await mkdir(dirname(target), { recursive: true });
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

  /** Relative POSIX paths of every file in the workspace folder. */
  async files(id: string): Promise<string[]> {
    const workspace = this.get(id);
    const entries = await readdir(workspace.workdir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(workspace.workdir, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
  }

  async remove(id: string): Promise<void> {
    const workspace = this.get(id);
    this.workspaces.delete(id);
    await rm(workspace.workdir, { recursive: true, force: true });
    this.numDel += 1;
    this.timeUpdated = new Date();
  }
}
