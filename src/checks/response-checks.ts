import type { JinaDocument } from '../protocol/document.ts';
import { STATUS_SUCCESS } from '../protocol/data-request.ts';
import type { Check, CheckInput, Violation } from './check.ts';

export interface ResponseExpectations {
  /** Matches per query document; undefined: not checked. */
  topK: number | undefined;
  matchCount: 'exact' | 'at_least';
  /** Every match carries these tags; an inner list means any one of them. */
  requiredTags: string[][];
  /** Every returned document has an embedding of this size. */
  embeddingDim: number | undefined;
}

/** How many offending documents a message names before "…". */
const EXAMPLES = 3;

/**
 * The seed's validators as one check: status SUCCESS, every sent document back, and on
 * queries `top_k` matches per document carrying the required tags. One violation per kind
 * of problem per response, counting the documents affected, so `max_violations` counts bad
 * responses rather than drowning in per-document noise.
 */
export function checkResponse(expectations: ResponseExpectations, topKFromStep: (input: CheckInput) => number | undefined): Check {
  return (input) => {
    const { response } = input;
    const requestId = response.header.requestId;
    const violations: Violation[] = [];
    const add = (message: string) => violations.push({ requestId, message });

    const status = response.header.status;
    if (status && status.code !== STATUS_SUCCESS) {
      add(`status ERROR${status.exception?.executor ? ` from ${status.exception.executor}` : ''}: ${status.description}`);
      return violations;
    }
    if (response.docs.length === 0 && input.sent.length > 0) {
      add(`no documents in the response (sent ${input.sent.length})`);
      return violations;
    }
    const returned = new Set(response.docs.map((doc) => doc.id));
    const missing = input.sent.filter((doc) => !returned.has(doc.id)).map((doc) => doc.id);
    if (missing.length > 0) add(`${missing.length} of ${input.sent.length} sent documents missing from the response (${examples(missing)})`);

    if (expectations.embeddingDim !== undefined) {
      const dim = expectations.embeddingDim;
      const wrong = response.docs.filter((doc) => doc.embedding?.shape.at(-1) !== dim).map((doc) => doc.id);
      if (wrong.length > 0) add(`${wrong.length} document(s) without an embedding of dim ${dim} (${examples(wrong)})`);
    }
    if (input.method !== 'query') return violations;

    const topK = topKFromStep(input);
    if (topK !== undefined) {
      const wrongCount = response.docs.filter((doc) => !hasMatchCount(doc, topK, expectations.matchCount));
      if (wrongCount.length > 0) {
        const counts = wrongCount.map((doc) => `${doc.id}: ${doc.matches?.length ?? 0}`);
        const expected = expectations.matchCount === 'exact' ? `exactly ${topK}` : `at least ${topK}`;
        add(`${wrongCount.length} document(s) without ${expected} matches (${examples(counts)})`);
      }
    }
    for (const requirement of expectations.requiredTags) {
      const lacking = response.docs.flatMap((doc) =>
        (doc.matches ?? []).filter((match) => !requirement.some((tag) => match.tags?.[tag] !== undefined)).map((match) => `${doc.id}→${match.id}`),
      );
      if (lacking.length > 0) add(`${lacking.length} match(es) without tag ${requirement.join(' or ')} (${examples(lacking)})`);
    }
    return violations;
  };
}

function hasMatchCount(doc: JinaDocument, topK: number, mode: 'exact' | 'at_least'): boolean {
  const count = doc.matches?.length ?? 0;
  return mode === 'exact' ? count === topK : count >= topK;
}

function examples(items: string[]): string {
  const shown = items.slice(0, EXAMPLES).join(', ');
  return items.length > EXAMPLES ? `${shown}, …` : shown;
}
