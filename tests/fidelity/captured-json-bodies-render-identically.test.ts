import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/gateway/http-client.ts';
import { dataRequestFromJson, dataRequestToJson, statusToJson, type JsonStyle } from '../../src/protocol/data-request-json.ts';
import type { DocarrayVersion } from '../../src/protocol/document.ts';
import { captureBytes, captureJson } from './jina-captures.ts';
import { serveCannedHttp } from './serve-canned-http.ts';

/**
 * The JSON bodies Jina 3.34's HTTP and WebSocket gateways sent (fixtures/jina-captures), read
 * with our parser and written back with the renderer the reference gateways use: the text is
 * the same, key order, nulls, `+00:00`/`Z` timestamps and pydantic's tag booleans included.
 */
const bodies: Array<[DocarrayVersion, string, JsonStyle]> = [
  ['v1', 'http-index-response.json', 'http'],
  ['v1', 'http-search-response.json', 'http'],
  ['v1', 'http-error-response.json', 'http'],
  ['v1', 'ws-json-index-response.json', 'websocket'],
  ['v1', 'ws-json-error-response.json', 'websocket'],
  ['v2', 'http-index-response.json', 'http'],
  ['v2', 'http-search-response.json', 'http'],
];

describe('captured JSON bodies', () => {
  it.each(bodies)('%s %s: parsed and rendered again gives the same JSON text', (docarray, name, style) => {
    const captured = captureJson(docarray, name);
    const rendered = dataRequestToJson(dataRequestFromJson(captured, docarray), docarray, style);
    expect(JSON.stringify(rendered)).toBe(JSON.stringify(captured));
  });

  it('v1 HTTP: tag values 0 and 1 come back as booleans, 2 as a number; matches have adjacency 1', () => {
    const request = captureJson('v1', 'http-index-request.json');
    expect(request.data.map((doc: { tags: unknown }) => doc.tags)).toContainEqual({ i: 0, group: 'even' });
    const response = dataRequestFromJson(captureJson('v1', 'http-index-response.json'), 'v1');
    expect(response.docs.slice(0, 3).map((doc) => doc.tags?.i)).toEqual([false, true, 2]);
    const search = dataRequestFromJson(captureJson('v1', 'http-search-response.json'), 'v1');
    expect(search.docs[0]!.matches!.map((match) => match.adjacency)).toEqual(search.docs[0]!.matches!.map(() => 1));
  });

  it('GET /dry_run bodies are StatusProto JSON with exception null when healthy', () => {
    for (const docarray of ['v1', 'v2'] as const) {
      const ok = captureJson(docarray, 'http-dry-run-ok.json');
      expect(statusToJson({ code: 0, description: '' })).toEqual(ok);
    }
  });
});

describe('our HTTP client reading the captured error bodies', () => {
  it.each([
    ['v1', 'http-error-response.json', { status: 'error-status', httpStatus: 200, error: { name: 'StressFailure', executor: 'failing', executorClass: 'StressFailing', attributedTo: 'deployment' } }],
    ['v1', 'http-executor-down-response.json', { status: 'error-status', httpStatus: 503, error: { name: 'InternalNetworkError', executor: 'failing', attributedTo: 'deployment' } }],
    ['v2', 'http-error-response.json', { status: 'error-status', httpStatus: 500, error: { name: 'StressFailure', executor: '', attributedTo: 'unknown' } }],
    ['v2', 'http-executor-down-response.json', { status: 'error-status', httpStatus: 500, error: { name: 'HTTP 500', description: 'Internal Server Error', attributedTo: 'unknown' } }],
  ] as const)('%s %s → %j', async (docarray, name, expected) => {
    const meta = captureJson(docarray, name.replace('.json', '.meta.json'));
    const body = captureBytes(docarray, name).toString('utf8');
    const server = await serveCannedHttp(meta.status, meta.content_type ?? 'application/json', body);
    const client = createHttpClient({ target: { host: '127.0.0.1', port: server.port, protocol: 'http', docarray } });
    try {
      await client.connect();
      const result = await client.post({ endpoint: '/index', docs: [{ id: 'x', text: 'x' }] });
      expect(result).toMatchObject(expected);
      if (docarray === 'v2') expect(result).toMatchObject({ routesUnavailable: 'routes not available over HTTP with docarray v2' });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
