import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import type { CheckContext } from './check.ts';
import { checkResponse } from './response-checks.ts';

/**
 * Builds the seed's `validate_images` / `validate_texts`. kwargs: `top_k` (default: the
 * query step's top_k), `match_count: exact | at_least` (default exact, as the seed),
 * `required_tags` (default per validator), `embedding_dim` (check embeddings when set);
 * the seed's `type` and `client` are accepted and ignored.
 */
function documentValidator(name: string, defaultTags: string[][]) {
  const schema = kwargsSchema({ kind: 'check', name }, {
    top_k: kwarg.optionalInteger({ min: 0 }),
    match_count: kwarg.choice(['exact', 'at_least'], 'exact'),
    required_tags: kwarg.tagRequirements(defaultTags),
    embedding_dim: kwarg.optionalInteger({ min: 1 }),
    type: kwarg.ignored(),
    client: kwarg.ignored(),
  });
  return withKwargs(schema, async ({ top_k: topK, match_count: matchCount, required_tags: requiredTags, embedding_dim: embeddingDim }, _context: CheckContext) =>
    checkResponse({ topK, matchCount, requiredTags, embeddingDim }, (input) => topK ?? input.topK),
  );
}

/** Matches carry `tags.filename` (the seed checked it to see the document store answered). */
export const validateImages = documentValidator('validate_images', [['filename']]);

/** Matches carry `tags.filename` or `tags.title` (random texts or Wikipedia abstracts). */
export const validateTexts = documentValidator('validate_texts', [['filename', 'title']]);
