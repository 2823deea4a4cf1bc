import { ExecutorOptions } from './executor-options.ts';
import { assertStillInside, indexerDirectory } from './indexer-workspace.ts';
import type { ExecutorKind, SimulatedExecutor } from './simulated-executor.ts';
import { storedFrom } from './stored-document.ts';
import { VectorStore } from './vector-store.ts';

/**
 * The seed's document store (BinaryPbIndexer): `/index` keeps documents by id; `/search`
 * fills each match's tags, text, mime type and uri from the store, keeping its scores —
 * the step after a vector indexer that returned bare ids.
 */
export const keyValueIndexer = {
  summary: 'stores documents by id; /search fills matches from the store',
  options: {
    workspace: 'folder for the shard files, relative to the workdir (default: metas.workspace or "workspace")',
    persist: 'load on start and save on stop (default true)',
    store_content: 'keep tensors/blobs and put them on matches (default false)',
  },
  async create(setup) {
    const options = new ExecutorOptions(setup);
    const persist = options.boolean('persist', true);
    const keepContent = options.boolean('store_content', false);
    const directory = indexerDirectory(setup, options);
    const store = new VectorStore();
    if (persist) await store.load(directory, setup.shardIndex, setup.shardCount);

    const executor: SimulatedExecutor = {
      endpoints: ['/index', '/update', '/delete', '/search'],
      process({ endpoint, docs }) {
        if (endpoint === '/index' || endpoint === '/update') {
          for (const doc of docs) store.upsert(storedFrom(doc, keepContent), undefined);
        } else if (endpoint === '/delete') {
          for (const doc of docs) store.delete(doc.id);
        } else {
          for (const doc of docs) {
            doc.matches = doc.matches?.map((match) => {
              const stored = store.get(match.id);
              return stored ? { ...match, ...stored } : match;
            });
          }
        }
        return { docs };
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
