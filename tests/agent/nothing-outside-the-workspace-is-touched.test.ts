import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent;
let outside: string;
let workspaceId: string;
let workdir: string;
beforeEach(async () => {
  server = await startTestAgent({ runtime: 'reference' });
  outside = mkdtempSync(join(tmpdir(), 'outside-the-workspace-'));
  writeFileSync(join(outside, 'keep.txt'), 'untouched');
  // An executor file somebody else owns, with key names that must not show up in an error.
  writeFileSync(join(outside, 'private.yml'), 'jtype: ReferenceIndexer\nwith:\n  private_key_name_3f9a: 1\n  other_private_name_77c1: 2\n');
  workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.yml', content: 'a' }] })).body;
  workdir = join(server.agent.workspaceRoot, workspaceId);
});
afterEach(async () => {
  await server.agent.close();
  rmSync(outside, { recursive: true, force: true });
});
afterAll(() => undefined);

function outsideEntries(): string[] {
  return readdirSync(outside, { recursive: true }).map(String).sort();
}

async function startFlow(yaml: string, environment: Record<string, string> = {}, flowName = 'flow.yml') {
  return server.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: flowName, content: yaml },
      { name: 'workspace_id', content: workspaceId },
      { name: 'environment', content: JSON.stringify(environment) },
    ],
  });
}

const indexerFlow = (workspace?: string, uses = 'ReferenceIndexer') =>
  `jtype: Flow\nwith: {protocol: http, port: 0}\nexecutors:\n  - name: indexer\n    uses: ${uses}\n${workspace === undefined ? '' : `    workspace: ${workspace}\n`}`;

describe('uploads', () => {
  test('a directory symlink inside the workspace does not let an upload land outside', async () => {
    symlinkSync(outside, join(workdir, 'link'));
    const answer = await server.call('POST', '/workspaces', {
      parts: [
        { name: 'files', filename: 'link/evil.yml', content: 'pwned' },
        { name: 'workspace_id', content: workspaceId },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('cannot store "link/evil.yml": "link" is a symbolic link in the workspace');
    expect(answer.body.detail).not.toContain(outside);
    expect(outsideEntries()).toEqual(['keep.txt', 'private.yml']);
  });

  test('a file symlink is not written through, and the listing does not follow links', async () => {
    symlinkSync(join(outside, 'keep.txt'), join(workdir, 'notes.txt'));
    symlinkSync(outside, join(workdir, 'link'));
    const answer = await server.call('POST', '/workspaces', {
      parts: [
        { name: 'files', filename: 'notes.txt', content: 'pwned' },
        { name: 'workspace_id', content: workspaceId },
      ],
    });
    expect(answer.status).toBe(400);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('untouched');
    const listed = await server.call('GET', `/workspaces/${workspaceId}`);
    expect(listed.body.arguments.files).toEqual(['a.yml']);
  });

  test('a Flow file sent through a symlinked folder is refused too', async () => {
    symlinkSync(outside, join(workdir, 'flows'));
    const answer = await startFlow(indexerFlow(), {}, 'flows/index.yml');
    expect(answer.status).toBe(400);
    expect(outsideEntries()).toEqual(['keep.txt', 'private.yml']);
  });
});

describe('reference executors', () => {
  test.each([
    ['an absolute path', () => join(outside, 'index')],
    ['a way up', () => '../..'],
    ['a way up from a sub-folder', () => 'data/../../../escaped'],
  ])('an indexer workspace that is %s is refused before anything is written', async (_name, where) => {
    const answer = await startFlow(indexerFlow(where()));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain("is outside the Flow's workspace folder");
    expect(outsideEntries()).toEqual(['keep.txt', 'private.yml']);
    expect((await server.call('GET', '/flows')).body.size).toBe(0);
  });

  test('the same through a variable from the request', async () => {
    const answer = await startFlow(indexerFlow('${{ ENV.JINA_WORKSPACE }}'), { JINA_WORKSPACE: outside });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain("is outside the Flow's workspace folder");
    expect(answer.body.detail).not.toContain(outside);
    expect(outsideEntries()).toEqual(['keep.txt', 'private.yml']);
  });

  test('an indexer folder that is a symlink out of the workspace is refused', async () => {
    symlinkSync(outside, join(workdir, 'workspace'));
    const answer = await startFlow(indexerFlow());
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain("is outside the Flow's workspace folder");
    expect(outsideEntries()).toEqual(['keep.txt', 'private.yml']);
  });

  test('a shard file that is a symlink is neither read nor written through; an absolute path inside the workspace is fine', async () => {
    mkdirSync(join(workdir, 'data', 'indexer'), { recursive: true });
    symlinkSync(join(outside, 'keep.txt'), join(workdir, 'data', 'indexer', 'shard-0.jsonl'));
    const answer = await startFlow(indexerFlow(join(workdir, 'data')));
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect((await server.call('DELETE', `/flows/${answer.body}`)).status).toBe(200);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('untouched');
    // The indexer saved its (empty) shard as a file of its own, replacing the link.
    expect(readFileSync(join(workdir, 'data', 'indexer', 'shard-0.jsonl'), 'utf8')).toBe('');
  });

  test.each([
    ['an absolute path', () => join(outside, 'private.yml')],
    ['a way up', () => `${'../'.repeat(12)}${outside.slice(1)}/private.yml`],
  ])('uses: with %s outside is refused unread: no key name of the file in the answer', async (_name, where) => {
    const answer = await startFlow(indexerFlow(undefined, where()));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain("is outside the Flow's folder and workspace");
    expect(answer.body.detail).not.toContain('private_key_name_3f9a');
    expect(answer.body.detail).not.toContain('other_private_name_77c1');
  });

  test('uses: a symlink in the workspace to a file outside is refused unread', async () => {
    symlinkSync(join(outside, 'private.yml'), join(workdir, 'encoder.yml'));
    const answer = await startFlow(indexerFlow(undefined, 'encoder.yml'));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('is a symbolic link out of');
    expect(answer.body.detail).not.toContain('private_key_name_3f9a');
  });

  test('uses: a file in the workspace still works, and its problems are reported', async () => {
    writeFileSync(join(workdir, 'mine.yml'), 'jtype: ReferenceIndexer\nwith:\n  my_typo_key: 1\n');
    const answer = await startFlow(indexerFlow(undefined, 'mine.yml'));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('my_typo_key');
    expect(existsSync(join(outside, 'indexer'))).toBe(false);
  });
});
