import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRequest, flowFromYaml, responseOf, textDocs } from './flow-from-yaml.ts';

const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
const corpus = Array.from({ length: 60 }, (_, i) => `${words[i % 10]} ${words[(i * 3) % 10]} ${words[(i * 7) % 10]} item${i}`);
const queries = ['alpha beta', 'gamma theta kappa', 'item7 eta'];

async function indexThenSearch(shards: number, usesAfter = '') {
  const { flow, workdir, cleanup } = await flowFromYaml(`
executors:
  - {name: enc, uses: ReferenceEncoder, uses_with: {dim: 32}}
  - {name: idx, uses: ReferenceIndexer, shards: ${shards}, uses_with: {workspace: ws}${usesAfter ? `, uses_after: ${usesAfter}` : ''}}
`);
  try {
    for (let start = 0; start < corpus.length; start += 20) {
      responseOf(await flow.process(dataRequest('/index', textDocs(corpus.slice(start, start + 20)).map((doc, i) => ({ ...doc, id: `d${start + i}` })))));
    }
    const search = responseOf(await flow.process(dataRequest('/search', textDocs(queries, 'q'), { parameters: { top_k: 5 } })));
    await flow.close();
    const files = (await readdir(join(workdir, 'ws', 'idx'))).sort();
    const idsPerShard = await Promise.all(
      files.map(async (file) =>
        (await readFile(join(workdir, 'ws', 'idx', file), 'utf8')).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line).id as string),
      ),
    );
    return { search, files, idsPerShard };
  } finally {
    await cleanup();
  }
}

describe('shards', () => {
  it('split /index by document id; /search concatenates each shard\'s top-k in shard order, as Jina\'s head does', async () => {
    const sharded = await indexThenSearch(3);
    for (const doc of sharded.search.docs) {
      expect(doc.matches).toHaveLength(15);
      const shardOf = (id: string) => sharded.idsPerShard.findIndex((ids) => ids.includes(id));
      expect(doc.matches!.map((match) => shardOf(match.id))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    }
  });

  it('with uses_after: MatchRanker the sharded /search gives the same top-k as one shard', async () => {
    const single = await indexThenSearch(1);
    const sharded = await indexThenSearch(3, 'MatchRanker');
    expect(sharded.files).toEqual(['shard-0.jsonl', 'shard-1.jsonl', 'shard-2.jsonl']);
    // Each document in exactly one shard, every shard holding some.
    const all = sharded.idsPerShard.flat();
    expect(new Set(all).size).toBe(60);
    expect(all).toHaveLength(60);
    for (const ids of sharded.idsPerShard) expect(ids.length).toBeGreaterThan(5);
    // The corpus repeats word sets, so equal scores tie: compare the scores, not the tie order.
    const distances = (result: typeof single) =>
      result.search.docs.map((doc) => doc.matches!.map((m) => m.scores!.cosine!.value.toFixed(6)));
    expect(distances(sharded)).toEqual(distances(single));
    for (const doc of sharded.search.docs) {
      expect(doc.matches).toHaveLength(5);
      const similarities = doc.matches!.map((m) => m.scores!.cosine!.value);
      expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
    }
  });

  it('keep the index in the workspace for a later query Flow with another shard count', async () => {
    const { flow: indexFlow, workdir, cleanup: cleanupIndex } = await flowFromYaml(`
executors:
  - {name: enc, uses: ReferenceEncoder}
  - {name: idx, uses: ReferenceIndexer, shards: 2, polling: any}
`);
    responseOf(await indexFlow.process(dataRequest('/index', textDocs(corpus.slice(0, 10)))));
    responseOf(await indexFlow.process(dataRequest('/index', textDocs(corpus.slice(10, 20), 'more'))));
    await indexFlow.close();

    const { flow: queryFlow, cleanup } = await flowFromYaml(
      `
executors:
  - {name: enc, uses: ReferenceEncoder}
  - {name: idx, uses: ReferenceIndexer, shards: 3, uses_after: MatchRanker}
`,
      { workdir },
    );
    const count = responseOf(await queryFlow.process(dataRequest('/count', [])));
    // One entry per shard replica, keyed by runtime name as Jina does; together they hold all 20.
    const counts = count.parameters.__results__ as Record<string, { count: number }>;
    expect(Object.keys(counts).sort()).toEqual(['idx/shard-0/rep-0', 'idx/shard-1/rep-0', 'idx/shard-2/rep-0']);
    expect(Object.values(counts).reduce((sum, entry) => sum + entry.count, 0)).toBe(20);
    const search = responseOf(await queryFlow.process(dataRequest('/search', textDocs([corpus[12]!], 'q'), { parameters: { top_k: 3 } })));
    expect(search.docs[0]!.matches![0]).toMatchObject({ id: 'more-2', tags: { filename: 'more 2' } });
    await cleanup();
    await cleanupIndex();
  });
});
