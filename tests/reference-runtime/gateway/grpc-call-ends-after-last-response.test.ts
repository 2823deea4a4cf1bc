import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDataRequest, encodeDataRequest } from '../../../src/protocol/codec.ts';
import { jinaGrpcMethods } from '../../../src/protocol/grpc-methods.ts';
import type { GatewayServer } from '../../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGrpcGatewayServer } from '../../../src/reference-runtime/gateway/grpc-gateway-server.ts';
import { createScriptedFlowHandler } from '../../gateway/scripted-flow-handler.ts';

describe('gRPC gateway JinaRPC/Call', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('answers in completion order and ends the stream (OK) only after the last response', async () => {
    const client = new grpc.Client(`${server.host}:${server.port}`, grpc.credentials.createInsecure());
    const call = client.makeBidiStreamRequest(jinaGrpcMethods.call, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b);
    const ids: string[] = [];
    call.on('data', (bytes: Buffer) => ids.push(decodeDataRequest(bytes, 'v1').header.requestId));
    const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    const ended = new Promise<void>((resolve) => call.on('end', resolve));
    for (const [id, delay] of [['slow', 150], ['fast', 0]] as const) {
      call.write(encodeDataRequest({ header: { requestId: id }, parameters: { delay_ms: delay }, routes: [], docs: [] }, 'v1'));
    }
    call.end(); // half-close before either answer exists
    await ended;
    expect(ids).toEqual(['fast', 'slow']);
    expect((await status).code).toBe(grpc.status.OK);
    client.close();
  });

  it('ends the stream with INVALID_ARGUMENT on bytes that are not a DataRequestProto', async () => {
    const client = new grpc.Client(`${server.host}:${server.port}`, grpc.credentials.createInsecure());
    const call = client.makeBidiStreamRequest(jinaGrpcMethods.call, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b);
    const error = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    call.write(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    expect((await error).code).toBe(grpc.status.INVALID_ARGUMENT);
    client.close();
  });
});
