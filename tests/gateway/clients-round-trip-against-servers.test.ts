import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient, GatewayClientOptions, GatewayProtocol, PostResult } from '../../src/gateway/gateway-client';
import { createGatewayClient } from '../../src/gateway/gateway-clients';
import { routeTimings } from '../../src/gateway/route-timings';
import type { DocarrayVersion, JinaDocument } from '../../src/protocol/document';
import { createTensor, tensorToNumbers } from '../../src/protocol/tensor';
import type { GatewayServer } from '../../src/target/gateway/gateway-handler';
import { startGatewayServer } from '../../src/target/gateway/start-gateway-server';
import { createScriptedFlowHandler } from './scripted-flow-handler';

type Variant = { protocol: GatewayProtocol; docarray: DocarrayVersion; extra: Partial<GatewayClientOptions>; label: string };
const variants: Variant[] = (['v1', 'v2'] as const).flatMap((docarray) => [
  { protocol: 'grpc', docarray, extra: {}, label: 'grpc stream' },
  { protocol: 'grpc', docarray, extra: { grpcMode: 'unary' }, label: 'grpc unary' },
  { protocol: 'websocket', docarray, extra: { websocketFraming: 'bytes' }, label: 'websocket bytes' },
  { protocol: 'websocket', docarray, extra: { websocketFraming: 'json' }, label: 'websocket json' },
  { protocol: 'http', docarray, extra: {}, label: 'http' },
]);

const docs: JinaDocument[] = [
  { id: 'img-0', tensor: createTensor(new Uint8Array([0, 127, 255, 1, 2, 3]), { shape: [1, 2, 3] }), embedding: createTensor(new Float32Array([0.5, -1.25])), tags: { filename: 'a.png', size: { w: 2, h: 1 }, labels: ['cat', null] } },
  { id: 'txt-1', text: 'hello world', embedding: createTensor(new Float32Array([3, 4])), tags: { lang: 'en', ok: true } },
];

describe.each(variants)('$label client ↔ server, docarray $docarray', ({ protocol, docarray, extra }) => {
  let server: GatewayServer;
  let client: GatewayClient;
  const options = (more: Partial<GatewayClientOptions> = {}): GatewayClientOptions => ({
    target: { host: server.host, port: server.port, protocol, docarray },
    prefetch: 2,
    ...extra,
    ...more,
  });

  beforeAll(async () => {
    server = await startGatewayServer({ protocol, port: 0, docarray, handler: createScriptedFlowHandler() });
    client = createGatewayClient(options());
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('carries docs, tags, embeddings and matches both ways, with routes', async () => {
    const result = await client.post({ endpoint: '/search', docs, parameters: { top_k: 1 } });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const [image, text] = result.response.docs;
    expect(image!.id).toBe('img-0');
    expect(image!.tensor!.shape).toEqual([1, 2, 3]);
    expect(tensorToNumbers(image!.tensor!)).toEqual([0, 127, 255, 1, 2, 3]);
    expect(image!.tags).toEqual({ filename: 'a.png', size: { w: 2, h: 1 }, labels: ['cat', null], seen_by: ['encoder', 'indexer'] });
    expect(tensorToNumbers(image!.embedding!)).toEqual([0.5, -1.25]);
    expect(text).toMatchObject({ id: 'txt-1', text: 'hello world', tags: { lang: 'en', ok: true } });
    const match = text!.matches![0]!;
    expect(match).toMatchObject({ id: 'txt-1-match', text: 'hello world', tags: { source: 'txt-1' }, scores: { cosine: { value: 1, opName: 'cosine' } } });
    expect(tensorToNumbers(match.embedding!)).toEqual([6, 8]);
    expect(result.response.parameters).toMatchObject({ top_k: 1, __results__: { indexer: { count: 2 } } });
    expect(result.response.routes.map((r) => r.executor)).toEqual(['gateway', 'encoder', 'indexer']);
    for (const route of result.response.routes) expect(route.endUs!).toBeGreaterThanOrEqual(route.startUs!);
    const timings = routeTimings(result.response.routes);
    expect(timings.executors.map((t) => t.executor)).toEqual(['encoder', 'indexer']);
    expect(timings.gatewayMs).toBeGreaterThanOrEqual(0);
    expect(result.roundTripMs).toBeGreaterThan(0);
    expect(result.sentAtMs).toBeLessThanOrEqual(performance.now());
  });

  it('sends the endpoint and target executor', async () => {
    const result = await client.post({ endpoint: '/index', docs: [], targetExecutor: 'enc.*' });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.response.header.execEndpoint).toBe('/index');
    expect(result.response.header.targetExecutor).toBe('enc.*');
  });

  it('reports an executor error status naming the executor', async () => {
    const result = await client.post({ endpoint: '/index', docs: docs.slice(1), parameters: { fail_executor: 'indexer' } });
    expect(result.status).toBe('error-status');
    if (result.status !== 'error-status') return;
    expect(result.error).toMatchObject({ executor: 'indexer', name: 'ValueError', description: 'indexer raised ValueError' });
    if (protocol === 'http') expect(result.httpStatus).toBe(docarray === 'v1' ? 200 : 499);
  });

  it('maps an unavailable executor the way Jina does, then keeps working', async () => {
    const result = await client.post({ endpoint: '/index', docs: docs.slice(1), parameters: { unavailable_executor: 'encoder' } });
    const expected: Record<string, Partial<PostResult>> = {
      'grpc stream': { status: 'error-status' },
      'grpc unary': { status: 'connection-error', code: 'UNAVAILABLE' },
      'websocket bytes': { status: 'connection-error', code: 'WS_1011' },
      'websocket json': { status: 'connection-error', code: 'WS_1011' },
      http: { status: 'error-status', httpStatus: 503 },
    };
    const label = protocol === 'grpc' ? (extra.grpcMode === 'unary' ? 'grpc unary' : 'grpc stream') : protocol === 'websocket' ? `websocket ${extra.websocketFraming}` : 'http';
    expect(result).toMatchObject(expected[label]!);
    if (result.status === 'error-status') expect(result.error).toMatchObject({ executor: 'encoder', name: 'InternalNetworkError' });
    if (result.status === 'connection-error') expect(result.message).toContain('encoder');
    const next = await client.post({ endpoint: '/index', docs: docs.slice(1) });
    expect(next.status).toBe('ok');
  });

  it('times out a request that gets no answer', async () => {
    const impatient = createGatewayClient(options({ requestTimeoutMs: 150 }));
    await impatient.connect();
    const result = await impatient.post({ endpoint: '/index', docs: [], parameters: { hang: true } });
    await impatient.close();
    expect(result).toMatchObject({ status: 'timeout', timeoutMs: 150 });
    expect(result.roundTripMs).toBeGreaterThanOrEqual(140);
  });

  it('answers dry run and status', async () => {
    expect(await client.dryRun()).toEqual({ status: 'ready' });
    expect((await client.info()).jina).toMatchObject({ jina: '3.34.0' });
  });
});
