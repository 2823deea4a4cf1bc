import { rankMatches } from '../match-order.ts';
import { ExecutorOptions } from './executor-options.ts';
import { DEFAULT_ENDPOINT, type ExecutorKind } from './simulated-executor.ts';
import { topKParameter } from './top-k-parameter.ts';

/**
 * Merger/ranker: one match per id, best first by a score (distances such as `euclidean`
 * ascending, similarities such as `cosine` descending), cut to top_k. Also stands in for 1.x's `_merge_matches`.
 */
export const matchRanker = {
  summary: 'dedupes and sorts matches by score, keeps top_k',
  options: {
    top_k: 'matches to keep when the request has no top_k/limit parameter (default: all)',
    metric: 'score name to rank by (default: the first score on the matches)',
  },
  async create(setup) {
    const options = new ExecutorOptions(setup);
    const configuredTopK = options.optionalInteger('top_k');
    const metric = options.raw('metric') === undefined ? undefined : options.string('metric', 'cosine');
    return {
      endpoints: [DEFAULT_ENDPOINT],
      process({ docs, parameters }) {
        const topK = topKParameter(parameters, configuredTopK ?? -1);
        for (const doc of docs) {
          if (doc.matches) doc.matches = rankMatches(doc.matches, topK < 0 ? undefined : topK, metric);
        }
        return { docs };
      },
    };
  },
} satisfies ExecutorKind;
