import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEndpoints, emptyMessageBytes, encodeDataRequest } from '../../../src/protocol/codec.ts';
import type { DocarrayVersion } from '../../../src/protocol/document.ts';
import { jinaGrpcMethods } from '../../../src/protocol/grpc-methods.ts';
import type { GatewayServer } from '../../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGrpcGatewayServer } from '../../../src/reference-runtime/gateway/grpc-gateway-server.ts';
import { createScriptedFlowHandler } from '../../gateway/scripted-flow-handler.ts';

const passBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
const keepBuffer = (buffer: Buffer): Buffer => buffer;

describe.each(['v1', 'v2'] as DocarrayVersion[])('gRPC gateway like Jina 3.34, docarray %s (verified §1.9, §1.11, §2)', (docarray) => {
  let server: GatewayServer;
  let client: grpc.Client;
  beforeAll(async () => {
    server = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray, handler: createScriptedFlowHandler() });
    client = new grpc.Client(`${server.host}:${server.port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  const unary = (path: string): Promise<Buffer> =>
    new Promise((resolve, reject) => client.makeUnaryRequest(path, passBytes, keepBuffer, emptyMessageBytes, (error, value) => (error ? reject(error) : resolve(value!))));

  it('a healthy dry_run answers the empty StatusProto (0 bytes)', async () => {
    expect((await unary(jinaGrpcMethods.dryRun)).byteLength).toBe(0);
  });

  it(docarray === 'v1' ? 'endpoint_discovery fails with UNKNOWN' : 'endpoint_discovery lists the endpoints and _jina_dry_run_', async () => {
    if (docarray === 'v1') {
      await expect(unary(jinaGrpcMethods.endpointDiscovery)).rejects.toMatchObject({ code: grpc.status.UNKNOWN, details: expect.stringContaining('AttributeError') });
    } else {
      expect(decodeEndpoints(await unary(jinaGrpcMethods.endpointDiscovery)).endpoints).toEqual(['/index', '/search', '_jina_dry_run_']);
    }
  });

  it('an unreachable deployment: one message with only the request id, then UNAVAILABLE; requests in flight are lost', async () => {
    const call = client.makeBidiStreamRequest(jinaGrpcMethods.call, passBytes, keepBuffer);
    const messages: Buffer[] = [];
    call.on('data', (bytes: Buffer) => messages.push(bytes));
    const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    call.on('error', () => undefined);
    call.write(encodeDataRequest({ header: { requestId: 'slow' }, parameters: { delay_ms: 300 }, routes: [], docs: [] }, docarray));
    call.write(encodeDataRequest({ header: { requestId: 'after-kill' }, parameters: { unavailable_executor: 'failing' }, routes: [], docs: [] }, docarray));
    const ended = await status;
    expect(ended.code).toBe(grpc.status.UNAVAILABLE);
    expect(ended.details).toContain('Communication error with deployment failing at address');
    // Byte for byte what Jina sent (fixtures/jina-captures/<v>/grpc-executor-down-response.bin).
    expect(messages.map((bytes) => bytes.toString('hex'))).toEqual(['0a0c0a0a61667465722d6b696c6c']);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(messages).toHaveLength(1); // `slow` never comes
  });
});
