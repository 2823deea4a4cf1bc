import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseUploadName } from '../../src/agent/upload-name.ts';
import { startTestAgent, workspaceRootEntries, type TestAgent } from './test-agent.ts';

let server: TestAgent;
let workspaceId: string;
beforeAll(async () => {
  server = await startTestAgent();
  workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'keep.yml', content: 'kept' }] })).body;
});
afterAll(async () => {
  await server.agent.close();
});

// Each hostile name, and the reason the agent must give for refusing it.
const escapes: Array<[string, string]> = [
  ['../evil.yml', '".." segment'],
  ['a/../../evil.yml', '".." segment'],
  ['..', '".." segment'],
  ['/tmp/evil.yml', 'absolute path'],
  ['..\\evil.yml', 'backslash'],
  ['a\\b.yml', 'backslash'],
  ['evil\u0000.yml', 'control character'],
  ['C:evil.yml', 'drive letter'],
  ['./evil.yml', 'empty or "." segment'],
  ['a//evil.yml', 'empty or "." segment'],
  ['folder/', 'empty or "." segment'],
];

describe('upload filenames', () => {
  test.each(escapes)('%j is refused with 400 (%s) and nothing of the request is stored', async (name, reason) => {
    const answer = await server.call('POST', '/workspaces', {
      parts: [
        { name: 'files', filename: 'innocent.yml', content: 'x' },
        { name: 'files', filename: name, content: 'pwned' },
        { name: 'workspace_id', content: workspaceId },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('rejected');
    expect(answer.body.detail).toContain(reason);
    const workdir = join(server.agent.workspaceRoot, workspaceId);
    // Staged, never committed: the valid file of the same request is not there either.
    expect(readdirSync(workdir)).toEqual(['keep.yml']);
    expect(readFileSync(join(workdir, 'keep.yml'), 'utf8')).toBe('kept');
    expect(existsSync(join(dirname(server.agent.workspaceRoot), 'evil.yml'))).toBe(false);
    expect(workspaceRootEntries(server.agent)).toEqual([workspaceId]);
  });

  test('an empty filename is refused', () => {
    expect(() => parseUploadName('')).toThrow(/empty/);
    expect(() => parseUploadName(undefined)).toThrow(/empty/);
  });

  test('plain and nested relative names pass unchanged', () => {
    expect(parseUploadName('flow.yml')).toBe('flow.yml');
    expect(parseUploadName('executors/encoder/config.yml')).toBe('executors/encoder/config.yml');
    expect(parseUploadName('.jinad')).toBe('.jinad');
    expect(parseUploadName('a..b.yml')).toBe('a..b.yml');
  });
});
