import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient, GatewayClientOptions, GatewayProtocol, PostResult } from '../../src/gateway/gateway-client.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import { routeTimings } from '../../src/gateway/route-timings.ts';
import type { DocarrayVersion, JinaDocument } from '../../src/protocol/document.ts';
import { createTensor, tensorToNumbers } from '../../src/protocol/tensor.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

type Variant = { protocol: GatewayProtocol; docarray: DocarrayVersion; extra: Partial<GatewayClientOptions>; label: string };
const variants: Variant[] = (['v1', 'v2'] as const).flatMap((docarray) => [
  { protocol: 'grpc', docarray, extra: {}, label: 'grpc stream' },
  { protocol: 'grpc', docarray, extra: { grpcMode: 'unary' }, label: 'grpc unary' },
  { protocol: 'websocket', docarray, extra: { websocketFraming: 'bytes' }, label: 'websocket bytes' },
  // WebSocket JSON framing exists only with docarray v1 (Jina 3.34, verified §1.6).
  ...(docarray === 'v1' ? [{ protocol: 'websocket' as const, docarray, extra: { websocketFraming: 'json' as const }, label: 'websocket json' }] : []),
  { protocol: 'http', docarray, extra: {}, label: 'http' },
]);

const docs: JinaDocument[] = [
  { id: 'img-0', tensor: createTensor(new Uint8Array([0, 127, 255, 1, 2, 3]), { shape: [1, 2, 3] }), embedding: createTensor(new Float32Array([0.5, -1.25])), tags: { filename: 'a.png', size: { w: 2, h: 1 }, labels: ['cat', null] } },
  { id: 'txt-1', text: 'hello world', embedding: createTensor(new Float32Array([3, 4])), tags: { lang: 'en', ok: true } },
];

describe.each(variants)('$label client ↔ server, docarray $docarray', ({ protocol, docarray, extra, label }) => {
  // HTTP with docarray v2 carries no routes and no exec_endpoint: Jina's v2 model has neither.
  const hasRoutes = !(protocol === 'http' && docarray === 'v2');
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
    if (!hasRoutes) {
      expect(result.routesUnavailable).toBe('routes not available over HTTP with docarray v2');
      expect(result.response.routes).toEqual([]);
    } else {
      expect(result.routesUnavailable).toBeUndefined();
    }
    expect(tensorToNumbers(image!.embedding!)).toEqual([0.5, -1.25]);
    expect(text).toMatchObject({ id: 'txt-1', text: 'hello world', tags: { lang: 'en', ok: true } });
    const match = text!.matches![0]!;
    // Jina's v2 JSON model has bare-number scores: only the value survives HTTP v2.
    const score = protocol === 'http' && docarray === 'v2' ? { value: 1 } : { value: 1, opName: 'cosine' };
    expect(match).toMatchObject({ id: 'txt-1-match', text: 'hello world', tags: { source: 'txt-1' }, scores: { cosine: score } });
    expect(tensorToNumbers(match.embedding!)).toEqual([6, 8]);
    expect(result.response.parameters).toMatchObject({ top_k: 1, __results__: { indexer: { count: 2 } } });
    if (!hasRoutes) return;
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
    expect(result.response.header.execEndpoint).toBe(hasRoutes ? '/index' : undefined);
    expect(result.response.header.targetExecutor).toBe('enc.*');
  });

  it('reports an executor error status naming the executor (unknown over HTTP v2: only {detail} comes back)', async () => {
    const result = await client.post({ endpoint: '/index', docs: docs.slice(1), parameters: { fail_executor: 'indexer' } });
    expect(result.status).toBe('error-status');
    if (result.status !== 'error-status') return;
    if (hasRoutes) {
      expect(result.error).toMatchObject({ executor: 'indexer', executorClass: 'indexer', attributedTo: 'executor-class', name: 'ValueError', description: 'indexer raised ValueError' });
    } else {
      expect(result.error).toMatchObject({ executor: '', attributedTo: 'unknown', name: 'HTTP 500', description: 'indexer raised ValueError' });
    }
    if (protocol === 'http') expect(result.httpStatus).toBe(docarray === 'v1' ? 200 : 500);
  });

  it('maps an unavailable executor the way Jina does, then keeps working', async () => {
    const result = await client.post({ endpoint: '/index', docs: docs.slice(1), parameters: { unavailable_executor: 'encoder' } });
    const unreachable = { name: 'InternalNetworkError', executor: 'encoder', attributedTo: 'deployment' };
    const expected: Record<string, Partial<PostResult> | object> = {
      // Jina: one message with only the request id, then the stream ends with UNAVAILABLE.
      'grpc stream': { status: 'error-status', error: unreachable },
      'grpc unary': { status: 'connection-error', code: 'UNAVAILABLE' },
      'websocket bytes': { status: 'connection-error', code: 'WS_1011' },
      'websocket json': { status: 'connection-error', code: 'WS_1011' },
      http: docarray === 'v1' ? { status: 'error-status', httpStatus: 503, error: unreachable } : { status: 'error-status', httpStatus: 500, error: { attributedTo: 'unknown' } },
    };
    expect(result).toMatchObject(expected[label]!);
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
