import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestAgent, workspaceRootEntries, type TestAgent } from './test-agent.ts';

let server: TestAgent;
let workspaceId: string;
beforeAll(async () => {
  server = await startTestAgent({ limits: { fileBytes: 1000, totalBytes: 2500, files: 3 } });
  workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'keep.yml', content: 'kept' }] })).body;
});
afterAll(async () => {
  await server.agent.close();
});

const bytes = (count: number) => Buffer.alloc(count, 0x61);

async function update(files: Array<[string, number]>) {
  return server.call('POST', '/workspaces', {
    parts: [
      ...files.map(([filename, size]) => ({ name: 'files', filename, content: bytes(size) })),
      { name: 'workspace_id', content: workspaceId },
    ],
  });
}

describe('upload size limits', () => {
  test('a file of exactly the per-file limit is stored byte for byte', async () => {
    expect((await update([['exact.bin', 1000]])).status).toBe(201);
    expect(readFileSync(join(server.agent.workspaceRoot, workspaceId, 'exact.bin')).equals(bytes(1000))).toBe(true);
  });

  test('one byte over the per-file limit is a 413 naming the file and the limit', async () => {
    const answer = await update([['big.bin', 1001]]);
    expect(answer).toEqual({ status: 413, body: { detail: 'file "big.bin" is larger than the limit of 1000 bytes' } });
  });

  test('files under the per-file limit but over the total are a 413', async () => {
    const answer = await update([['a.bin', 900], ['b.bin', 900], ['c.bin', 900]]);
    expect(answer).toEqual({ status: 413, body: { detail: 'upload is larger than the limit of 2500 bytes in total' } });
  });

  test('more files than allowed is a 413', async () => {
    const answer = await update([['a.bin', 1], ['b.bin', 1], ['c.bin', 1], ['d.bin', 1]]);
    expect(answer).toEqual({ status: 413, body: { detail: 'upload has more than 3 files' } });
  });

  test('rejected uploads left nothing behind', () => {
    expect(readdirSync(join(server.agent.workspaceRoot, workspaceId)).sort()).toEqual(['exact.bin', 'keep.yml']);
    expect(workspaceRootEntries(server.agent)).toEqual([workspaceId]);
  });
});
