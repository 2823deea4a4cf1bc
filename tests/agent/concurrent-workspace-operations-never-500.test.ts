import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { processesWorkingIn } from './process-cwds.ts';
import { waitForProcessGone } from './process-state.ts';
import { startTestAgent, workspaceRootEntries, type TestAgent } from './test-agent.ts';

let server: TestAgent;
beforeAll(async () => {
  server = await startTestAgent({ stopGraceMs: 1000 });
});
afterAll(async () => {
  await server.agent.close();
});

// A gateway port nobody sets: the agent picks a free one per Flow, so 40 Flows never collide.
const flowYaml = 'jtype: Flow\nwith:\n  protocol: http\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n  - name: encoder\n';
const pairs = 40;

/** What the API lists and what is on disk must be the same set of workspaces. */
async function expectDiskMatchesApi(): Promise<string[]> {
  const listed = await server.call('GET', '/workspaces');
  expect(listed.status).toBe(200);
  const ids = Object.keys(listed.body.items).sort();
  expect(workspaceRootEntries(server.agent).sort()).toEqual(ids);
  return ids;
}

describe('operations on one workspace take turns', () => {
  test(`POST /flows racing DELETE /workspaces/X (${pairs} pairs) leaves no Flow running and no unlisted folder`, async () => {
    const workspaceIds: string[] = [];
    for (let index = 0; index < pairs; index++) {
      const created = await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.yml', content: 'a' }] });
      workspaceIds.push(created.body);
    }
    const answers = await Promise.all(
      workspaceIds.map(async (workspaceId, index) => {
        const start = server.call('POST', '/flows', {
          parts: [
            { name: 'flow', filename: 'flow.yml', content: flowYaml },
            { name: 'workspace_id', content: workspaceId },
          ],
        });
        // Half the deletes go first, half a moment after the start was sent.
        if (index % 2 === 1) await new Promise((resolve) => setTimeout(resolve, index % 4 === 1 ? 5 : 60));
        const remove = server.call('DELETE', `/workspaces/${workspaceId}`);
        return { start: await start, remove: await remove };
      }),
    );
    for (const { start, remove } of answers) {
      // The start either lost the race (404: no such workspace; 400: start cancelled by the
      // delete) or won it and was then stopped by the delete; never a 500.
      expect([201, 400, 404], JSON.stringify(start.body)).toContain(start.status);
      if (start.status === 400) expect(start.body.detail).toContain('cancelled');
      expect(remove.status, JSON.stringify(remove.body)).toBe(200);
    }
    const flows = await server.call('GET', '/flows');
    expect(flows.body.size).toBe(0);
    expect(await expectDiskMatchesApi()).toEqual([]);
    // No Flow process of any of them is left (the fixture runs in its workspace folder).
    const left = processesWorkingIn(server.agent.workspaceRoot);
    for (const pid of left) expect(await waitForProcessGone(pid, 3000), `pid ${pid}`).toBe(true);
  }, 120_000);

  test('concurrent creates and deletes of one id answer 201/200/404, never 500, and GET /workspaces keeps answering 200', async () => {
    const id = 'contested';
    const calls: Array<Promise<{ status: number; body: any; kind: string }>> = [];
    for (let round = 0; round < 40; round++) {
      calls.push(
        server
          .call('POST', '/workspaces', {
            parts: [
              { name: 'files', filename: `f${round}.yml`, content: String(round) },
              { name: 'workspace_id', content: id },
            ],
          })
          .then((answer) => ({ ...answer, kind: 'create' })),
      );
      calls.push(server.call('DELETE', `/workspaces/${id}`).then((answer) => ({ ...answer, kind: 'delete' })));
      calls.push(server.call('GET', '/workspaces').then((answer) => ({ ...answer, kind: 'list' })));
      calls.push(server.call('GET', `/workspaces/${id}`).then((answer) => ({ ...answer, kind: 'get' })));
    }
    const answers = await Promise.all(calls);
    const allowed: Record<string, number[]> = { create: [201], delete: [200, 404], list: [200], get: [200, 404] };
    for (const answer of answers) expect(allowed[answer.kind], `${answer.kind}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
    expect(answers.filter((answer) => answer.kind === 'create' && answer.status === 201)).toHaveLength(40);
    const ids = await expectDiskMatchesApi();
    expect(existsSync(join(server.agent.workspaceRoot, id))).toBe(ids.includes(id));
    if (ids.includes(id)) await server.call('DELETE', `/workspaces/${id}`);
  });
});
