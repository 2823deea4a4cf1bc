import type { PostResult } from '../../src/gateway/gateway-client.ts';
import type { Route } from '../../src/protocol/data-request.ts';
import type { JinaDocument } from '../../src/protocol/document.ts';
import { tensorToNumbers } from '../../src/protocol/tensor.ts';

/**
 * What a user of the framework notices in one result, with what legitimately differs between
 * a real Flow and the reference runtime (request ids, timestamps, stack traces, addresses in
 * network error texts) left out. Two runtimes answer alike when these views are equal.
 */
export function userView(result: PostResult): Record<string, unknown> {
  switch (result.status) {
    case 'ok':
      return {
        status: 'ok',
        routes: routesView(result.response.routes),
        routesUnavailable: result.routesUnavailable,
        execEndpoint: result.response.header.execEndpoint,
        docs: result.response.docs.map(documentView),
      };
    case 'error-status':
      return {
        status: 'error-status',
        httpStatus: result.httpStatus,
        routes: routesView(result.response.routes),
        routesUnavailable: result.routesUnavailable,
        error: {
          name: result.error.name,
          executor: result.error.executor,
          executorClass: result.error.executorClass,
          attributedTo: result.error.attributedTo,
          // Jina's network errors carry addresses and gRPC internals; executor errors are exact.
          description: result.error.name === 'InternalNetworkError' ? 'network error' : result.error.description,
        },
        docs: result.response.docs.map((doc) => doc.id),
      };
    case 'connection-error':
      return { status: 'connection-error', code: result.code };
    case 'timeout':
      return { status: 'timeout' };
    case 'protocol-error':
      // `HTTP 404: …` / `HTTP 422: …`: the status line is what a user sees first.
      return { status: 'protocol-error', message: result.message.split(':')[0] };
  }
}

/** Executor names in order, with whether each ran (a skipped executor has no end) and its status. */
function routesView(routes: readonly Route[]): string[] {
  return routes.map((route) => `${route.executor}${route.endUs === undefined ? ' (skipped)' : ''}${route.status?.code ? ' ERROR' : ''}`);
}

function documentView(doc: JinaDocument): Record<string, unknown> {
  return {
    id: doc.id,
    text: doc.text,
    tags: doc.tags,
    tensor: doc.tensor && { shape: doc.tensor.shape, values: tensorToNumbers(doc.tensor).map(round6) },
    embedding: doc.embedding && { shape: doc.embedding.shape, head: tensorToNumbers(doc.embedding).slice(0, 4).map(round6) },
    // No matches: Jina sends an empty list, protobuf an absent field; the user sees none either way.
    matches: doc.matches?.length ? doc.matches.map((match) => ({ id: match.id, text: match.text, tags: match.tags, cosine: round6(match.scores?.cosine?.value ?? NaN) })) : undefined,
  };
}

/** Embeddings and scores: the reference's are float32 like Jina's; JSON transports print float64. */
function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
