/**
 * User checks, loaded by name: `on_always: {method: min_top_score, kwargs: {min: 0.2}}` finds
 * the export `min_top_score` here when no built-in has that name. In your own project import
 * defineCheck from 'jina-stress'; this repository imports it from source.
 */
import { defineCheck } from '../src/checks/define-check.ts';

/** On queries: every document's best match scores at least `min` (cosine similarity). */
export const min_top_score = defineCheck(async (kwargs) => {
  const min = typeof kwargs.min === 'number' ? kwargs.min : 0.5;
  const score = typeof kwargs.score === 'string' ? kwargs.score : 'cosine';
  return ({ method, response }) => {
    if (method !== 'query') return [];
    const low = response.docs.filter((doc) => (doc.matches?.[0]?.scores?.[score]?.value ?? -Infinity) < min);
    if (low.length === 0) return [];
    return [{ requestId: response.header.requestId, message: `${low.length} document(s) whose best ${score} is below ${min} (first: ${low[0]!.id})` }];
  };
});
