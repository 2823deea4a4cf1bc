import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { agentHttpError } from './agent-http-error.ts';
import type { AgentState } from './agent-state.ts';
import { readUpload } from './read-upload.ts';
import { sendJson } from './send-json.ts';
import type { Workspace } from './workspace-store.ts';

/** JinaD 1.x `/workspaces`: files on disk, one folder per workspace. */
export function registerWorkspaceRoutes(app: FastifyInstance, state: AgentState): void {
  const { workspaces, flows, options } = state;

  const describe = async (workspace: Workspace) => ({
    time_created: workspace.timeCreated.toISOString(),
    time_updated: workspace.timeUpdated.toISOString(),
    arguments: { files: await workspaces.files(workspace.id) },
    workdir: workspace.workdir,
    flows: flows.list().filter((flow) => flow.workspaceId === workspace.id).map((flow) => flow.id),
  });

  // Create, or with `workspace_id` add/overwrite files in that workspace (the seed's update).
  app.post('/workspaces', async (request, reply) => {
    const upload = await readUpload(request, options.limits, workspaces.root);
    try {
      if (upload.files.length === 0) throw agentHttpError(422, 'field required: files (at least one file)');
      const { workspace, isNew } = await workspaces.commit(upload.files, upload.fields.workspace_id || undefined);
      const names = upload.files.map((file) => file.name).join(', ');
      options.log(`workspace ${workspace.id} ${isNew ? 'created' : 'updated'}: ${names}`);
      return sendJson(reply, 201, workspace.id);
    } finally {
      await rm(upload.stagingDir, { recursive: true, force: true });
    }
  });

  app.get('/workspaces', async (_request, reply) => {
    const items: Record<string, unknown> = {};
    for (const workspace of workspaces.list()) items[workspace.id] = await describe(workspace);
    return sendJson(reply, 200, {
      size: workspaces.list().length,
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

  // Flows first: a running Flow may hold files open, and must not outlive its folder.
  app.delete<{ Params: { id: string } }>('/workspaces/:id', async (request, reply) => {
    const { id } = workspaces.get(request.params.id);
    await flows.terminateWorkspace(id, `workspace ${id} deleted`);
    await workspaces.remove(id);
    options.log(`workspace ${id} deleted`);
    return sendJson(reply, 200, null);
  });

  app.delete('/workspaces', async (_request, reply) => {
    for (const { id } of workspaces.list()) {
      await flows.terminateWorkspace(id, `workspace ${id} deleted`);
      await workspaces.remove(id);
    }
    return sendJson(reply, 200, null);
  });
}
