import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import { decodeEndpoints, emptyMessageBytes } from '../../src/protocol/codec.ts';
import { jinaGrpcMethods } from '../../src/protocol/grpc-methods.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGrpcGatewayServer } from '../../src/reference-runtime/gateway/grpc-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

describe('gRPC unary process_single_data and control calls', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v2', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  const target = () => ({ host: server.host, port: server.port, protocol: 'grpc' as const, docarray: 'v2' as const });

  it('posts through process_single_data when grpcMode is unary', async () => {
    const client = createGrpcClient({ target: target(), grpcMode: 'unary' });
    await client.connect();
    const result = await client.post({ endpoint: '/search', docs: [{ id: 'q', text: 'hello' }] });
    await client.close();
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.response.header.execEndpoint).toBe('/search');
    expect(result.response.docs[0]!.matches![0]!.tags).toEqual({ source: 'q' });
  });

  it('maps an unavailable executor to connection-error UNAVAILABLE in unary mode', async () => {
    const client = createGrpcClient({ target: target(), grpcMode: 'unary' });
    await client.connect();
    const result = await client.post({ endpoint: '/index', docs: [], parameters: { unavailable_executor: 'indexer' } });
    await client.close();
    expect(result).toMatchObject({ status: 'connection-error', code: 'UNAVAILABLE' });
    if (result.status === 'connection-error') expect(result.message).toContain('indexer');
  });

  it('times out a unary request with the deadline', async () => {
    const client = createGrpcClient({ target: target(), grpcMode: 'unary', requestTimeoutMs: 150 });
    await client.connect();
    const result = await client.post({ endpoint: '/index', docs: [], parameters: { hang: true } });
    await client.close();
    expect(result).toMatchObject({ status: 'timeout', timeoutMs: 150 });
    expect(result.roundTripMs).toBeGreaterThanOrEqual(140);
  });

  it('serves dry_run, _status, endpoint_discovery and the health check', async () => {
    const client = createGrpcClient({ target: target() });
    await client.connect();
    expect(await client.dryRun()).toEqual({ status: 'ready' });
    expect(await client.info()).toEqual({ jina: { jina: '3.34.0', 'jina-stress': 'reference' }, envs: { JINA_LOG_LEVEL: 'INFO' } });
    await client.close();

    const raw = new grpc.Client(`${server.host}:${server.port}`, grpc.credentials.createInsecure());
    const call = (path: string) =>
      new Promise<Buffer>((resolve, reject) =>
        raw.makeUnaryRequest(path, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, emptyMessageBytes, (e, r) => (e ? reject(e) : resolve(r!))),
      );
    expect(decodeEndpoints(await call(jinaGrpcMethods.endpointDiscovery)).endpoints).toEqual(['/index', '/search', '_jina_dry_run_']);
    expect([...(await call(jinaGrpcMethods.healthCheck))]).toEqual([0x08, 0x01]);
    raw.close();
  });
});
