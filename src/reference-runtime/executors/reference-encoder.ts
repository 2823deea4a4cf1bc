import { createTensor } from '../../protocol/tensor.ts';
import { embedDocument } from './content-embedding.ts';
import { ExecutorOptions } from './executor-options.ts';
import { DEFAULT_ENDPOINT, type ExecutorKind } from './simulated-executor.ts';
import { parseTraversalPaths, traverse } from './traversal-paths.ts';

/** Sets a float32, L2-normalised `embedding` of `dim` values on every document with content. */
export const referenceEncoder = {
  summary: 'deterministic embeddings from text, tensor or blob content (feature hashing)',
  options: {
    dim: 'embedding size (default 128)',
    traversal_paths: "documents to encode: '@r' (default), '@c', '@r,c'",
  },
  async create(setup) {
    const options = new ExecutorOptions(setup);
    const dim = options.integer('dim', 128, 1);
    const paths = parseTraversalPaths(options.stringList('traversal_paths', ['r']).join(','));
    if (!paths) throw options.invalid('traversal_paths', options.raw('traversal_paths'), "made of 'r', 'c', 'm'");
    return {
      endpoints: [DEFAULT_ENDPOINT],
      process({ docs }) {
        for (const doc of traverse(docs, paths)) {
          const vector = embedDocument(doc, dim);
          if (vector) doc.embedding = createTensor(vector);
        }
        return { docs };
      },
    };
  },
} satisfies ExecutorKind;
