/**
 * User checks, loaded by name: `on_always: {method: min_top_score, kwargs: {min: 0.2}}` finds
 * the export `min_top_score` here when no built-in has that name. In your own project import
 * defineCheck from 'jina-stress'; this repository imports it from source.
 */
import { defineCheck } from '../src/checks/define-check.ts';

/** On queries: every document's best match scores at least `min` (cosine similarity). Its kwargs are declared: `validate` checks them. */
export const min_top_score = defineCheck(
  { kwargs: { min: { type: 'number', min: -1, max: 1, default: 0.5 }, score: { type: 'string', default: 'cosine' } } },
  async (kwargs) => {
    const min = kwargs.min as number;
    const score = kwargs.score as string;
    return ({ method, response }) => {
      if (method !== 'query') return [];
      const low = response.docs.filter((doc) => (doc.matches?.[0]?.scores?.[score]?.value ?? -Infinity) < min);
      if (low.length === 0) return [];
      return [{ requestId: response.header.requestId, message: `${low.length} document(s) whose best ${score} is below ${min} (first: ${low[0]!.id})` }];
    };
  },
);
