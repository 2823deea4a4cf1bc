import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient, GatewayProtocol, PostResult } from '../../src/gateway/gateway-client.ts';
import { createGatewayClient, gatewayClients } from '../../src/gateway/gateway-clients.ts';
import type { DocarrayVersion } from '../../src/protocol/document.ts';
import { startReferenceFlow, type RunningReferenceFlow } from '../../src/reference-runtime/start-reference-flow.ts';

const cases = Object.keys(gatewayClients).flatMap((protocol) =>
  (['v1', 'v2'] as DocarrayVersion[]).map((docarray) => ({ protocol: protocol as GatewayProtocol, docarray })),
);

const flowYaml = (protocol: string, docarray: string) => `
jtype: Flow
with: {protocol: ${protocol}, port: 0, docarray: ${docarray}}
executors:
  - {name: encoder, uses: ReferenceEncoder, uses_with: {dim: 32}}
  - {name: indexer, uses: ReferenceIndexer, shards: 2, uses_with: {workspace: index}}
  - {name: broken, uses: FaultExecutor, uses_requests: {/explode: fail}, uses_with: {error_rate: 1}}
  - {name: flaky, uses: FaultExecutor, uses_requests: {/crash: crash}, uses_with: {crash_after: 0}}
`;

const okResponse = (result: PostResult) => {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.response;
};

describe.each(cases)('reference Flow over $protocol with docarray $docarray', ({ protocol, docarray }) => {
  let workdir: string;
  let running: RunningReferenceFlow;
  let client: GatewayClient;

  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'reference-e2e-'));
    running = await startReferenceFlow({ flowYaml: flowYaml(protocol, docarray), workdir });
    const gateway = running.gateways[0]!;
    client = createGatewayClient({ target: { ...gateway, docarray }, prefetch: 4 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await running?.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  it('serves on a free port and is ready', async () => {
    expect(running.gateways).toEqual([{ protocol, host: '127.0.0.1', port: expect.any(Number) }]);
    expect(running.gateways[0]!.port).toBeGreaterThan(0);
    expect(running.docarray).toBe(docarray);
    await expect(client.dryRun()).resolves.toEqual({ status: 'ready' });
  });

  it('indexes documents and answers a search with real matches carrying the stored tags', async () => {
    const docs = ['red apples in a basket', 'a blue car on the road', 'green apples and pears', 'the sky is blue'].map(
      (text, index) => ({ id: `doc-${index}`, text, tags: { filename: `file ${index}`, index } }),
    );
    const indexed = okResponse(await client.post({ endpoint: '/index', docs, parameters: { __results__: {} } }));
    expect(indexed.docs.map((doc) => doc.id)).toEqual(docs.map((doc) => doc.id));
    // HTTP JSON carries no dtype: numbers come back as float64 there.
    expect(indexed.docs[0]!.embedding).toMatchObject({ dtype: protocol === 'http' ? '<f8' : '<f4', shape: [32] });
    // HTTP with docarray v2 sends no routes (Jina's v2 model has none), and says so.
    const noRoutes = protocol === 'http' && docarray === 'v2';
    expect(indexed.routes.map((route) => route.executor)).toEqual(noRoutes ? [] : ['gateway', 'encoder', 'indexer', 'broken', 'flaky']);

    const search = okResponse(
      await client.post({ endpoint: '/search', docs: [{ id: 'q', text: 'Red apples in a basket' }], parameters: { top_k: 2 } }),
    );
    // Two shards without a ranker: each shard's top 2, concatenated in shard order (as Jina's head).
    const matches = [...search.docs[0]!.matches!].sort((a, b) => b.scores!.cosine!.value - a.scores!.cosine!.value);
    expect(matches).toHaveLength(4);
    // Jina's v1 JSON models (pydantic 1) turn tag values 0 and 1 into booleans.
    const zero = protocol !== 'grpc' && protocol !== 'websocket' && docarray === 'v1' ? false : 0;
    expect(matches[0]).toMatchObject({ id: 'doc-0', text: 'red apples in a basket', tags: { filename: 'file 0', index: zero } });
    expect(matches[0]!.scores?.cosine?.value).toBeCloseTo(1, 5);
    expect(matches[1]!.scores!.cosine!.value).toBeLessThan(0.99);
    expect(new Set(matches.map((match) => match.id)).size).toBe(4);
    if (noRoutes) return;
    // broken/flaky do not bind /search. A docarray-v1 gateway that has not run endpoint
    // discovery still calls them (routes with an end), as Jina's does; after it, and always
    // with v2, their routes have a start and no end.
    if (docarray === 'v1') {
      expect(search.routes.map((route) => `${route.executor}:${route.endUs !== undefined}`)).toEqual(['gateway:true', 'encoder:true', 'indexer:true', 'broken:true', 'flaky:true']);
      return;
    }
    const finished = search.routes.filter((route) => route.endUs !== undefined);
    expect(finished.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'indexer']);
    for (const route of finished) expect(route.endUs!).toBeGreaterThanOrEqual(route.startUs!);
    expect(search.routes.filter((route) => route.endUs === undefined).map((route) => route.executor)).toEqual(['broken', 'flaky']);
  });

  it('returns an executor exception as a typed error status naming the deployment', async () => {
    const result = await client.post({ endpoint: '/explode', docs: [{ id: 'x', text: 'boom' }] });
    const description = "RuntimeError('injected fault in broken')";
    // HTTP v2 answers 500 {detail} only: who raised is unknown there.
    const error =
      protocol === 'http' && docarray === 'v2'
        ? { name: 'RuntimeError', executor: '', executorClass: '', attributedTo: 'unknown', description }
        : { name: 'RuntimeError', executor: 'broken', executorClass: 'FaultExecutor', attributedTo: 'deployment', description };
    expect(result).toMatchObject({ status: 'error-status', error });
  });

  it('reports a crashed executor the way each protocol does, and the dry run turns not-ready', async () => {
    const result = await client.post({ endpoint: '/crash', docs: [{ id: 'c', text: 'crash' }] });
    const expected = {
      grpc: { status: 'error-status', error: { name: 'InternalNetworkError', executor: 'flaky', attributedTo: 'deployment' } },
      websocket: { status: 'connection-error', code: 'WS_1011' },
      http:
        docarray === 'v1'
          ? { status: 'error-status', httpStatus: 503, error: { name: 'InternalNetworkError', executor: 'flaky', attributedTo: 'deployment' } }
          : { status: 'error-status', httpStatus: 500, error: { description: 'Internal Server Error', attributedTo: 'unknown' } },
    }[protocol];
    expect(result).toMatchObject(expected);
    expect(await client.dryRun()).toMatchObject({ status: 'not-ready' });
  });
});
