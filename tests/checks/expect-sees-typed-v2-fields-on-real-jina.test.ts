import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/checks/check.ts';
import { createCheck } from '../../src/checks/create-check.ts';
import { discoverEndpointSchemas } from '../../src/gateway/endpoint-schemas.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayClient, GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { documentFieldValues, NdArrayValue } from '../../src/protocol/document-fields.ts';
import type { JinaDocument } from '../../src/protocol/document.ts';
import type { JsonObject } from '../../src/protocol/json-value.ts';
import { hasJina, startJinaFlow, type JinaFlowProcess } from '../fidelity/jina-flow-process.ts';

// Issue 15: a typed docarray v2 executor (fixtures/executors/v2/typed/typed_search.py) on real
// Jina 3.34 — TextDoc in, SearchResult out (nested DocList[Hit] hits, scores list, NdArray
// embedding, dict). Over gRPC, WebSocket and HTTP the decoder must show
// every field, `expect` must pass on real answers and fail, naming the path, when the
// executor returns empty hits.

const repo = resolve(import.meta.dirname, '../..');
const python = join(repo, '.jina-envs/v2/bin/python');
const checkContext = { baseDir: repo, helpersDir: join(repo, 'helpers') };
const texts = ['red apples and pears', 'a blue sky over the sea', 'green grass in spring', 'red wine from the south', 'the sea is deep and blue'];
const indexDocs: JinaDocument[] = texts.map((text, i) => ({ id: `doc-${i}`, text }));
const queries: JinaDocument[] = [
  { id: 'q-0', text: 'red apples and pears' },
  { id: 'q-1', text: 'the sea is deep and blue' },
];

const rules = {
  id: { equals_request: true },
  query: { non_empty: true },
  hits: { min_length: 1, max_length: 2 },
  // Cosine of a float32 vector with itself can be 1 + 1 ulp.
  'hits[*].score': { between: [-1.001, 1.001] },
  'hits[*].text': { non_empty: true },
  'hits[0].rank': { equals: 0 },
  scores: { min_length: 1 },
  'hits[*].id': { non_empty: true },
  'info.store': { equals: 'typed' },
};

async function askWithPython(port: number, protocol: GatewayProtocol, parameters: object): Promise<Record<string, unknown>[]> {
  // Jina's own client on the same Flow: what a user sees for the same request.
  const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(join(repo, 'fixtures/executors/v2/typed'))})
from typed_search import SearchResult
from docarray import DocList
from docarray.documents import TextDoc
from jina import Client
queries = json.loads(sys.argv[1])
client = Client(host='127.0.0.1', port=${port}, protocol='${protocol}')
answer = client.post('/find', DocList[TextDoc]([TextDoc(**q) for q in queries]), parameters=json.loads(sys.argv[2]), return_type=DocList[SearchResult])
def plain(value):
    if hasattr(value, 'tolist'):
        return {'ndarray': value.tolist(), 'dtype': value.dtype.str, 'shape': list(value.shape)}
    if isinstance(value, list) or type(value).__name__.startswith('DocList'):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, '__fields__') or hasattr(value, 'model_fields'):
        return {k: plain(getattr(value, k)) for k in type(value).model_fields}
    return value
print(json.dumps([plain(doc) for doc in answer]))
`;
  const { stdout } = await promisify(execFile)(python, ['-c', script, JSON.stringify(queries), JSON.stringify(parameters)], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>[];
}

/** Our fields in the form the Python helper prints: NdArrays as {ndarray, dtype, shape}. */
function pythonShaped(value: unknown): unknown {
  if (value instanceof NdArrayValue) return { ndarray: value.values, dtype: value.dtype, shape: [...value.shape] };
  if (Array.isArray(value)) return value.map(pythonShaped);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pythonShaped(v)]));
  return value;
}

describe.runIf(hasJina('v2'))('typed docarray v2 fields on real Jina 3.34', () => {
  let check: Check;
  beforeAll(async () => {
    check = await createCheck({ method: 'expect', kwargs: { fields: rules } }, checkContext);
  });

  for (const protocol of ['grpc', 'websocket', 'http'] as const) {
    describe(protocol, () => {
      let flow: JinaFlowProcess;
      let client: GatewayClient;
      beforeAll(async () => {
        flow = await startJinaFlow({ docarray: 'v2', yaml: join(repo, `fixtures/flows/jina/v2-typed/typed-${protocol}.yml`), protocol });
        client = createGatewayClient({ target: { host: '127.0.0.1', port: flow.port, protocol, docarray: 'v2' }, requestTimeoutMs: 30_000 });
        await client.connect();
        const indexed = await client.post({ endpoint: '/index', docs: indexDocs });
        expect(indexed.status, JSON.stringify(indexed)).toBe('ok');
      }, 120_000);
      afterAll(async () => {
        await client?.close();
        await flow?.stop();
      });

      async function find(parameters: JsonObject): Promise<DataRequest> {
        const result = await client.post({ endpoint: '/find', docs: queries, parameters });
        if (result.status !== 'ok') throw new Error(`find answered ${JSON.stringify(result)}`);
        return result.response;
      }

      it('decodes every field of the SearchResult, as Jina\'s Python client shows it', async () => {
        const response = await find({ top_k: 2 });
        const ours = response.docs.map((doc) => documentFieldValues(doc));
        expect(ours.map((doc) => doc.id)).toEqual(['q-0', 'q-1']);
        const hits = ours[0]!.hits as Record<string, unknown>[];
        expect(hits.map((hit) => hit.id)).toEqual(['doc-0', expect.any(String)]);
        expect(ours[0]!.scores).toEqual(hits.map((hit) => hit.score));
        const python = await askWithPython(flow.port, protocol, { top_k: 2 });
        if (protocol === 'http') {
          // JSON carries no dtype: the NdArray arrives as its nested list.
          const flat = python.map((doc) => ({ ...doc, embedding: (doc.embedding as { ndarray: unknown }).ndarray }));
          expect(JSON.parse(JSON.stringify(ours))).toEqual(flat);
        } else {
          expect(ours[0]!.embedding).toBeInstanceOf(NdArrayValue);
          expect(pythonShaped(ours)).toEqual(python);
        }
      }, 90_000);

      it('reads the endpoints\' schemas where the gateway publishes them, and matches_schema holds on real answers', async () => {
        const target = { host: '127.0.0.1', port: flow.port, protocol, docarray: 'v2' as const };
        const schemas = await discoverEndpointSchemas(target);
        const context = { ...checkContext, endpointSchemas: schemas };
        if (protocol === 'websocket') {
          expect(schemas).toEqual({ status: 'unavailable', reason: expect.stringContaining('WebSocket gateway publishes no document schemas') });
          await expect(createCheck({ method: 'matches_schema', kwargs: {} }, context)).rejects.toThrow(/matches_schema: the gateway published no output schemas \(Jina's WebSocket gateway/);
          return;
        }
        if (schemas.status !== 'found') throw new Error(schemas.reason);
        expect(schemas.source).toBe(protocol === 'grpc' ? 'gRPC endpoint_discovery' : 'HTTP /openapi.json');
        const findSchema = schemas.endpoints['/find']!;
        expect(findSchema.input).toMatchObject({ title: 'TextDoc', properties: { text: expect.any(Object) } });
        expect(findSchema.output).toMatchObject({ title: 'SearchResult', properties: { hits: { type: 'array', items: { $ref: '#/$defs/Hit' } }, scores: { type: 'array' } } });
        expect((findSchema.output!.$defs as Record<string, unknown>).Hit).toMatchObject({ properties: { score: { type: 'number' }, rank: { type: 'integer' } } });
        expect(schemas.endpoints['/index']?.output).toMatchObject({ title: 'EmbeddedText' });
        const matches = await createCheck({ method: 'matches_schema', kwargs: {} }, context);
        const answer = await find({ top_k: 3 });
        expect(answer.docs).toHaveLength(2);
        expect(matches({ method: 'query', endpoint: '/find', sent: queries, response: answer })).toEqual([]);
        // The same real answers against the published schema with one field changed to a type they break.
        const strict = await createCheck({ method: 'matches_schema', kwargs: { endpoint: '/find' } }, {
          ...checkContext,
          endpointSchemas: { status: 'found', source: 'test', endpoints: { '/find': { output: { ...findSchema.output!, properties: { ...(findSchema.output!.properties as object), query: { type: 'integer' } } } } } },
        });
        expect(strict({ method: 'query', endpoint: '/find', sent: queries, response: answer })).toEqual([
          { requestId: answer.header.requestId, message: 'matches_schema /find: query = "red apples and pears" must be integer (document q-0); query = "the sea is deep and blue" must be integer (document q-1)' },
        ]);
      }, 60_000);

      it('expect passes on real answers and names the path when hits come back empty', async () => {
        const good = await find({ top_k: 2 });
        expect(check({ method: 'query', endpoint: '/find', sent: queries, response: good })).toEqual([]);

        const empty = await find({ top_k: 2, empty_hits: true });
        const violations = check({ method: 'query', endpoint: '/find', sent: queries, response: empty });
        const messages = violations.map((violation) => violation.message);
        expect(violations.every((violation) => violation.requestId === empty.header.requestId && violation.requestId !== '')).toBe(true);
        expect(messages).toContain('expect hits: min_length: hits = [] has length 0, expected at least 1 (document q-0); hits = [] has length 0, expected at least 1 (document q-1)');
        expect(messages).toContain('expect scores: min_length: scores = [] has length 0, expected at least 1 (document q-0); scores = [] has length 0, expected at least 1 (document q-1)');
        // Every other rule still holds (an empty hits list has no [*] items to fail).
        expect(messages).toHaveLength(3);
        expect(messages.some((message) => message.startsWith('expect hits[0].rank: equals: hits[0].rank = (missing)'))).toBe(true);
      }, 60_000);
    });
  }
});
