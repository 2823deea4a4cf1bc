import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
beforeEach(async () => {
  server = await startTestAgent();
});
afterEach(async () => {
  await server.agent.close();
});

describe('workspaces on disk', () => {
  test('create stores each file (sub-folders kept) and answers 201 with a JSON string id', async () => {
    const created = await server.call('POST', '/workspaces', {
      parts: [
        { name: 'files', filename: 'flow.yml', content: 'jtype: Flow\n' },
        { name: 'files', filename: 'executors/encoder.yml', content: 'jtype: Encoder\n' },
      ],
    });
    expect(created.status).toBe(201);
    expect(typeof created.body).toBe('string');
    const workdir = join(server.agent.workspaceRoot, created.body);
    expect(readFileSync(join(workdir, 'flow.yml'), 'utf8')).toBe('jtype: Flow\n');
    expect(readFileSync(join(workdir, 'executors', 'encoder.yml'), 'utf8')).toBe('jtype: Encoder\n');

    const item = await server.call('GET', `/workspaces/${created.body}`);
    expect(item.status).toBe(200);
    expect(item.body.arguments.files).toEqual(['executors/encoder.yml', 'flow.yml']);
    expect(item.body.workdir).toBe(workdir);
  });

  test('a workspace_id adds and overwrites files in that workspace (update)', async () => {
    const id = (
      await server.call('POST', '/workspaces', {
        parts: [
          { name: 'files', filename: 'a.yml', content: 'old a' },
          { name: 'files', filename: 'b.yml', content: 'b' },
        ],
      })
    ).body;
    const updated = await server.call('POST', '/workspaces', {
      parts: [
        { name: 'files', filename: 'a.yml', content: 'new a' },
        { name: 'files', filename: 'c.yml', content: 'c' },
        { name: 'workspace_id', content: id },
      ],
    });
    expect(updated).toEqual({ status: 201, body: id });
    const workdir = join(server.agent.workspaceRoot, id);
    expect(readFileSync(join(workdir, 'a.yml'), 'utf8')).toBe('new a');
    expect(readFileSync(join(workdir, 'b.yml'), 'utf8')).toBe('b');
    expect(readFileSync(join(workdir, 'c.yml'), 'utf8')).toBe('c');
    const list = await server.call('GET', '/workspaces');
    expect(list.body.size).toBe(1);
    expect(Object.keys(list.body.items)).toEqual([id]);
  });

  test('a new workspace_id is created with that id; one that could escape the root is refused', async () => {
    const chosen = await server.call('POST', '/workspaces', {
      parts: [
        { name: 'files', filename: 'a.yml', content: 'a' },
        { name: 'workspace_id', content: 'my-workspace_1' },
      ],
    });
    expect(chosen).toEqual({ status: 201, body: 'my-workspace_1' });
    expect(existsSync(join(server.agent.workspaceRoot, 'my-workspace_1', 'a.yml'))).toBe(true);

    const escaping = await server.call('POST', '/workspaces', {
      parts: [
        { name: 'files', filename: 'a.yml', content: 'a' },
        { name: 'workspace_id', content: '../outside' },
      ],
    });
    expect(escaping.status).toBe(422);
    expect(escaping.body.detail).toContain('"../outside" is not a valid id');
    expect(existsSync(join(server.agent.workspaceRoot, '..', 'outside'))).toBe(false);
  });

  test('delete removes the folder and answers null; unknown ids give 404 with a detail', async () => {
    const id = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.yml', content: 'a' }] })).body;
    const workdir = join(server.agent.workspaceRoot, id);
    expect(existsSync(workdir)).toBe(true);
    expect(await server.call('DELETE', `/workspaces/${id}`)).toEqual({ status: 200, body: null });
    expect(existsSync(workdir)).toBe(false);
    expect(await server.call('GET', `/workspaces/${id}`)).toEqual({ status: 404, body: { detail: `workspace ${id} not found` } });
    expect((await server.call('DELETE', `/workspaces/${id}`)).status).toBe(404);
  });

  test('a request without files, or not multipart, is a 422', async () => {
    const noFiles = await server.call('POST', '/workspaces', { parts: [{ name: 'workspace_id', content: 'x' }] });
    expect(noFiles.status).toBe(422);
    expect(noFiles.body.detail).toContain('field required: files');
    const json = await server.call('POST', '/workspaces', { text: '{}', headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(422);
    expect(existsSync(join(server.agent.workspaceRoot, 'x'))).toBe(false);
  });

  test('status and root answer like JinaD', async () => {
    expect(await server.call('GET', '/')).toEqual({ status: 200, body: {} });
    const status = await server.call('GET', '/status');
    expect(status.status).toBe(200);
    expect(status.body.jina.runtimes).toContain('process');
    expect(status.body.flows).toEqual({ size: 0, items: [] });
    expect(status.body.workspaces).toEqual({ size: 0, items: [] });
    expect(status.body.used_memory).toMatch(/^\d+(\.\d)? MB$/);
    expect(await server.call('GET', '/nothing-here')).toEqual({ status: 404, body: { detail: 'Not Found' } });
  });
});
