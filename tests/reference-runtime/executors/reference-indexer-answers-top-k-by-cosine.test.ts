import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JinaDocument } from '../../../src/protocol/document.ts';
import { createTensor } from '../../../src/protocol/tensor.ts';
import { referenceIndexer } from '../../../src/reference-runtime/executors/reference-indexer.ts';
import type { ExecutorSetup } from '../../../src/reference-runtime/executors/simulated-executor.ts';

let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'indexer-'));
});
afterEach(() => rm(workdir, { recursive: true, force: true }));

const setup = (usesWith: ExecutorSetup['usesWith'] = {}): ExecutorSetup => ({
  deployment: 'idx',
  className: 'ReferenceIndexer',
  shardIndex: 0,
  shardCount: 1,
  usesWith,
  metas: {},
  workdir,
});

const doc = (id: string, vector: number[], tags = {}): JinaDocument => ({
  id,
  embedding: createTensor(Float32Array.from(vector)),
  tags: { filename: `image ${id}`, ...tags },
  tensor: createTensor(Uint8Array.from([1, 2, 3])),
});

const call = (endpoint: string, docs: JinaDocument[], parameters = {}) => ({ endpoint, docs, parameters, replicaIndex: 0 });

describe('referenceIndexer', () => {
  it('returns the top_k nearest stored documents with their tags and a cosine similarity', async () => {
    const indexer = await referenceIndexer.create(setup());
    await indexer.process(call('/index', [doc('x', [1, 0, 0]), doc('y', [0.8, 0.6, 0]), doc('z', [0, 0, 1])]));
    const { docs } = await indexer.process(call('/search', [doc('q', [1, 0.1, 0])], { top_k: 2 }));
    const matches = docs[0]!.matches!;
    expect(matches.map((m) => m.id)).toEqual(['x', 'y']);
    expect(matches[0]!.tags).toEqual({ filename: 'image x' });
    expect(matches[0]!.scores!.cosine!.value).toBeCloseTo(1 / Math.sqrt(1.01), 5);
    expect(matches[0]!.scores!.cosine!.value).toBeGreaterThan(matches[1]!.scores!.cosine!.value);
    // Content is not kept unless store_content is set.
    expect(matches[0]!.tensor).toBeUndefined();
  });

  it('uses limit, then uses_with top_k, and deletes and counts', async () => {
    const indexer = await referenceIndexer.create(setup({ top_k: 1, persist: false }));
    await indexer.process(call('/index', [doc('a', [1, 0]), doc('b', [0, 1]), doc('c', [1, 1])]));
    expect((await indexer.process(call('/search', [doc('q', [1, 0])]))).docs[0]!.matches).toHaveLength(1);
    expect((await indexer.process(call('/search', [doc('q', [1, 0])], { limit: 3 }))).docs[0]!.matches).toHaveLength(3);
    await indexer.process(call('/delete', [{ id: 'a' }]));
    expect((await indexer.process(call('/count', []))).results).toEqual({ count: 2 });
    const { docs } = await indexer.process(call('/search', [doc('q', [1, 0])], { top_k: 5 }));
    expect(docs[0]!.matches!.map((m) => m.id)).toEqual(['c', 'b']);
  });

  it('raises ValueError when the query embedding does not fit the index', async () => {
    const indexer = await referenceIndexer.create(setup({ persist: false }));
    await indexer.process(call('/index', [doc('a', [1, 0, 0])]));
    await expect(async () => indexer.process(call('/search', [doc('q', [1, 0])]))).rejects.toMatchObject({
      pythonName: 'ValueError',
    });
  });

  it('writes its shard to the workspace on close and a new instance finds the documents', async () => {
    const first = await referenceIndexer.create(setup({ workspace: 'ws', store_content: true }));
    await first.process(call('/index', [doc('a', [1, 0]), doc('b', [0, 1])]));
    await first.close!();
    expect(await readdir(join(workdir, 'ws', 'idx'))).toEqual(['shard-0.jsonl']);
    const lines = (await readFile(join(workdir, 'ws', 'idx', 'shard-0.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(['a', 'b']);

    const second = await referenceIndexer.create(setup({ workspace: 'ws', store_content: true }));
    const { docs } = await second.process(call('/search', [doc('q', [0, 1])], { top_k: 1 }));
    expect(docs[0]!.matches![0]).toMatchObject({ id: 'b', tags: { filename: 'image b' } });
    expect(Array.from(docs[0]!.matches![0]!.tensor!.buffer)).toEqual([1, 2, 3]);
  });
});
