import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { freePort } from './free-port.ts';
import { multipartBody } from './multipart-body.ts';
import { waitForProcessGone } from './process-state.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent | undefined;
afterEach(async () => {
  await server?.agent.close();
});

test('a client that gives up on POST /flows takes the starting flow down with it', async () => {
  server = await startTestAgent();
  const workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.yml', content: 'a' }] })).body;
  const { body, contentType } = multipartBody([
    { name: 'flow', filename: 'flow.yml', content: flowYaml(await freePort()) },
    { name: 'workspace_id', content: workspaceId },
    { name: 'environment', content: JSON.stringify({ FIXTURE_NEVER_LISTEN: '1', FIXTURE_GRANDCHILD: '1' }) },
  ]);
  const pidsFile = join(server.agent.workspaceRoot, workspaceId, 'fixture-pids.json');
  const giveUp = new AbortController();
  const request = fetch(`${server.address.url}/flows`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-jina-stress': '1' },
    body,
    signal: giveUp.signal,
  }).catch((error: Error) => error.name);
  const deadline = Date.now() + 5000;
  while (!existsSync(pidsFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const pids = JSON.parse(readFileSync(pidsFile, 'utf8'));
  expect((await server.call('GET', '/flows')).body.size).toBe(1);

  giveUp.abort();
  expect(await request).toBe('AbortError');
  expect(await waitForProcessGone(pids.child, 3000)).toBe(true);
  expect(await waitForProcessGone(pids.grandchild, 3000)).toBe(true);
  // The record goes once the runtime has reported the cancelled start, a moment after.
  const listDeadline = Date.now() + 3000;
  let size = 1;
  while (size !== 0 && Date.now() < listDeadline) {
    size = (await server.call('GET', '/flows')).body.size;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(size).toBe(0);
});
