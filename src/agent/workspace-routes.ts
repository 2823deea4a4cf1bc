import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentState } from './agent-state.ts';
import { readUpload } from './read-upload.ts';
import { removeWorkspace } from './remove-workspace.ts';
import { parseRunId } from './run-id.ts';
import { sendJson } from './send-json.ts';
import { WorkspaceStore, type Workspace } from './workspace-store.ts';

/** JinaD 1.x `/workspaces`: files on disk, one folder per workspace. */
export function registerWorkspaceRoutes(app: FastifyInstance, state: AgentState): void {
  const { workspaces, flows, options } = state;

  const describe = async (workspace: Workspace) => ({
    time_created: workspace.timeCreated.toISOString(),
    time_updated: workspace.timeUpdated.toISOString(),
    arguments: { files: await workspaces.files(workspace.id) },
    workdir: workspace.workdir,
    flows: flows.list().filter((flow) => flow.workspaceId === workspace.id).map((flow) => flow.id),
    ...(workspace.runId ? { run_id: workspace.runId } : {}),
  });

  // Create, or with `workspace_id` add/overwrite files in that workspace (the seed's update).
  app.post('/workspaces', async (request, reply) => {
    const upload = await readUpload(request, options.limits, workspaces.root, ['files']);
    let workspaceId: string;
    // The staging folder goes before the answer: a client that got it finds no leftovers.
    try {
      if (upload.files.length === 0) throw agentHttpError(422, 'field required: files (at least one file)');
      const runId = parseRunId(upload.fields.run_id, 'form field run_id');
      const id = WorkspaceStore.chooseId(upload.fields.workspace_id || undefined);
      const { workspace, isNew } = await state.workspaceLocks.run(id, () => workspaces.commit(upload.files, id, runId));
      const names = upload.files.map((file) => file.name).join(', ');
      const run = workspace.runId ? ` (run ${workspace.runId})` : '';
      options.log(`workspace ${workspace.id}${run} ${isNew ? 'created' : 'updated'}: ${names}`);
      workspaceId = workspace.id;
    } finally {
      await rm(upload.stagingDir, { recursive: true, force: true });
    }
    return sendJson(reply, 201, workspaceId);
  });

  app.get('/workspaces', async (_request, reply) => {
    const items: Record<string, unknown> = {};
    // A workspace deleted while this answer is built is left out, not an error.
    for (const workspace of workspaces.list()) if (workspaces.has(workspace.id)) items[workspace.id] = await describe(workspace);
    return sendJson(reply, 200, {
      size: Object.keys(items).length,
      time_created: workspaces.timeCreated.toISOString(),
      time_updated: workspaces.timeUpdated.toISOString(),
      num_add: workspaces.numAdd,
      num_del: workspaces.numDel,
      items,
    });
  });

  app.get<{ Params: { id: string } }>('/workspaces/:id', async (request, reply) =>
    sendJson(reply, 200, await describe(workspaces.get(request.params.id))),
  );

  app.delete<{ Params: { id: string } }>('/workspaces/:id', async (request, reply) => {
    const { id } = request.params;
    const removed = await removeWorkspace(state, id, `workspace ${id} deleted`);
    if (removed === undefined) throw agentHttpError(404, `workspace ${id} not found`);
    return sendJson(reply, 200, null);
  });

  app.delete('/workspaces', async (_request, reply) => {
    for (const { id } of workspaces.list()) await removeWorkspace(state, id, `workspace ${id} deleted`);
    return sendJson(reply, 200, null);
  });
}
