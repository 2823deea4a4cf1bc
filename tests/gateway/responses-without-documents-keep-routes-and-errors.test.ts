import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient, GatewayClientOptions, GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { DocarrayVersion } from '../../src/protocol/document.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

/**
 * `decodeDocs: false` (the load engine's setting when no check reads responses): documents
 * travel both ways as usual, the client leaves the response's undecoded, and everything the
 * recorder needs — status, routes, parameters, who failed — is read as before.
 */
type Variant = { protocol: GatewayProtocol; extra: Partial<GatewayClientOptions>; label: string };
const variants: Variant[] = [
  { protocol: 'grpc', extra: {}, label: 'grpc stream' },
  { protocol: 'grpc', extra: { grpcMode: 'unary' }, label: 'grpc unary' },
  { protocol: 'websocket', extra: { websocketFraming: 'bytes' }, label: 'websocket bytes' },
];
const cases = (['v1', 'v2'] as const).flatMap((docarray: DocarrayVersion) => variants.map((variant) => ({ ...variant, docarray })));

describe.each(cases)('$label client without response documents, docarray $docarray', ({ protocol, docarray, extra, label }) => {
  let server: GatewayServer;
  let client: GatewayClient;

  beforeAll(async () => {
    server = await startGatewayServer({ protocol, port: 0, docarray, handler: createScriptedFlowHandler() });
    client = createGatewayClient({ target: { host: server.host, port: server.port, protocol, docarray }, prefetch: 2, decodeDocs: false, ...extra });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('reads routes and parameters; the documents went over the wire but are not decoded', async () => {
    const docs = [{ id: 'a', text: 'one' }, { id: 'b', text: 'two' }, { id: 'c', text: 'three' }];
    const result = await client.post({ endpoint: '/index', docs, parameters: { top_k: 1 } });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.response.docs).toEqual([]);
    // The indexer counted the three documents it received, and said so in the parameters.
    expect(result.response.parameters).toMatchObject({ top_k: 1, __results__: { indexer: { count: 3 } } });
    expect(result.response.routes.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'indexer']);
    expect(result.response.header.execEndpoint).toBe('/index');
  });

  it('attributes an executor error as with documents decoded', async () => {
    const result = await client.post({ endpoint: '/index', docs: [{ id: 'x' }], parameters: { fail_executor: 'indexer' } });
    expect(result).toMatchObject({ status: 'error-status', error: { executor: 'indexer', name: 'ValueError' } });
  });

  it('still tells the request-id-only answer of an unreachable deployment from a success', async () => {
    const result = await client.post({ endpoint: '/index', docs: [{ id: 'y' }], parameters: { unavailable_executor: 'encoder' } });
    if (label === 'grpc stream') {
      expect(result).toMatchObject({ status: 'error-status', error: { name: 'InternalNetworkError', executor: 'encoder', attributedTo: 'deployment' } });
    } else {
      expect(result.status).toBe('connection-error');
    }
    expect((await client.post({ endpoint: '/index', docs: [{ id: 'z' }] })).status).toBe('ok');
  });
});
