import type { CheckFactory } from './check.ts';
import { CheckKwargs } from './check-kwargs.ts';
import { checkResponse } from './response-checks.ts';

/**
 * Builds the seed's `validate_images` / `validate_texts`. kwargs: `top_k` (default: the
 * query step's top_k), `match_count: exact | at_least` (default exact, as the seed),
 * `required_tags` (default per validator), `embedding_dim` (check embeddings when set);
 * the seed's `type` and `client` are accepted and ignored.
 */
function documentValidator(name: string, defaultTags: string[][]): CheckFactory {
  return async (kwargs) => {
    const args = new CheckKwargs(name, kwargs);
    const topK = args.optionalInteger('top_k');
    const matchCount = args.choice('match_count', ['exact', 'at_least'], 'exact');
    const requiredTags = args.tagRequirements('required_tags', defaultTags);
    const embeddingDim = args.optionalInteger('embedding_dim', 1);
    args.ignore('type', 'client');
    args.rejectUnknown();
    return checkResponse({ topK, matchCount, requiredTags, embeddingDim }, (input) => topK ?? input.topK);
  };
}

/** Matches carry `tags.filename` (the seed checked it to see the document store answered). */
export const validateImages = documentValidator('validate_images', [['filename']]);

/** Matches carry `tags.filename` or `tags.title` (random texts or Wikipedia abstracts). */
export const validateTexts = documentValidator('validate_texts', [['filename', 'title']]);
