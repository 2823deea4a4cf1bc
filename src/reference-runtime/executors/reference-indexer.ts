import type { JinaDocument } from '../../protocol/document.ts';
import { embeddingVector } from './embedding-vector.ts';
import { ExecutorOptions } from './executor-options.ts';
import { assertStillInside, indexerDirectory } from './indexer-workspace.ts';
import type { ExecutorKind, SimulatedExecutor } from './simulated-executor.ts';
import { storedFrom, type StoredDocument } from './stored-document.ts';
import { topKParameter } from './top-k-parameter.ts';
import { VectorStore } from './vector-store.ts';

export const INDEXER_ENDPOINTS = ['/index', '/update', '/delete', '/search', '/count', '/dump'] as const;

/**
 * Stores documents per shard; `/search` answers each query document with its top-k
 * matches by cosine. A match carries the stored id, tags, text, mime type and uri, and
 * `scores.cosine` = the cosine similarity (higher is better), as the project's Python
 * fixture indexer (fixtures/executors/v2/indexer.py) reports it, so checks see one shape
 * on both runtimes.
 * The shard is loaded from the workspace on start and written back when the Flow stops
 * (and on `/dump`); `/count` returns `{count}` into `parameters.__results__`.
 */
export const referenceIndexer = {
  summary: 'stores documents; /search returns top-k matches by cosine with the stored tags',
  options: {
    top_k: 'matches per query when the request has no top_k/limit parameter (default 10)',
    workspace: 'folder for the shard files, relative to the workdir (default: metas.workspace or "workspace")',
    persist: 'load on start and save on stop (default true)',
    store_content: 'keep tensors/blobs of indexed documents and return them on matches (default false)',
    return_embeddings: 'put the stored embedding on each match (default false)',
  },
  async create(setup) {
    const options = new ExecutorOptions(setup);
    const defaultTopK = options.integer('top_k', 10, 0);
    const persist = options.boolean('persist', true);
    const keepContent = options.boolean('store_content', false);
    const returnEmbeddings = options.boolean('return_embeddings', false);
    const directory = indexerDirectory(setup, options);
    const store = new VectorStore();
    if (persist) await store.load(directory, setup.shardIndex, setup.shardCount);

    const executor: SimulatedExecutor = {
      endpoints: INDEXER_ENDPOINTS,
      process({ endpoint, docs, parameters }) {
        switch (endpoint) {
          case '/index':
          case '/update':
            for (const doc of docs) store.upsert(storedFrom(doc, keepContent), embeddingVector(doc));
            return { docs };
          case '/delete':
            for (const doc of docs) store.delete(doc.id);
            return { docs };
          case '/count':
            return { docs, results: { count: store.size } };
          case '/dump':
            if (persist) assertStillInside(setup, directory);
            return (persist ? store.save(directory, setup.shardIndex) : Promise.resolve()).then(() => ({
              docs,
              results: { count: store.size },
            }));
          default: {
            const topK = topKParameter(parameters, defaultTopK);
            for (const doc of docs) {
              const query = embeddingVector(doc);
              if (!query) continue;
              doc.matches = store.search(query, topK).map(({ stored, similarity }) =>
                matchFrom(stored, similarity, returnEmbeddings ? store : undefined),
              );
            }
            return { docs };
          }
        }
      },
      async close() {
        if (!persist) return;
        assertStillInside(setup, directory);
        await store.save(directory, setup.shardIndex);
      },
    };
    return executor;
  },
} satisfies ExecutorKind;

function matchFrom(stored: StoredDocument, similarity: number, embeddingsFrom: VectorStore | undefined): JinaDocument {
  // Built field by field: spreading `stored` here was the indexer's hot spot.
  // As the Python fixture indexer sets it: only a value (docarray v1 leaves op_name empty).
  const match: JinaDocument = { id: stored.id, adjacency: 1, scores: { cosine: { value: similarity } } };
  if (stored.tags) match.tags = stored.tags;
  if (stored.text !== undefined) match.text = stored.text;
  if (stored.mimeType) match.mimeType = stored.mimeType;
  if (stored.uri) match.uri = stored.uri;
  if (stored.tensor) match.tensor = stored.tensor;
  if (stored.blob) match.blob = stored.blob;
  if (embeddingsFrom) {
    const embedding = embeddingsFrom.embeddingOf(stored.id);
    if (embedding) match.embedding = embedding;
  }
  return match;
}
