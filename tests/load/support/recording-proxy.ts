import * as grpc from '@grpc/grpc-js';
import { decodeDataRequest } from '../../../src/protocol/codec.ts';
import type { DataRequest } from '../../../src/protocol/data-request.ts';
import type { DocarrayVersion } from '../../../src/protocol/document.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../../src/protocol/grpc-methods.ts';

export interface RecordingProxy {
  port: number;
  /** Every response that went back to a client, decoded, in order. */
  responses: DataRequest[];
  close(): Promise<void>;
}

const identity = (buffer: Buffer): Buffer => buffer;

/**
 * A gRPC proxy for `/jina.JinaRPC/Call` between the generator and a gateway: forwards bytes
 * both ways unchanged and keeps a decoded copy of each response, so a test knows exactly
 * what the clients received.
 */
export async function startRecordingProxy(upstreamPort: number, docarray: DocarrayVersion): Promise<RecordingProxy> {
  const upstream = new grpc.Client(`127.0.0.1:${upstreamPort}`, grpc.credentials.createInsecure(), jinaGrpcChannelOptions);
  const responses: DataRequest[] = [];
  const server = new grpc.Server(jinaGrpcChannelOptions);
  server.register(
    jinaGrpcMethods.call,
    (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      const forward = upstream.makeBidiStreamRequest(jinaGrpcMethods.call, identity, identity);
      call.on('data', (request: Buffer) => forward.write(request));
      call.on('end', () => forward.end());
      call.on('error', () => forward.cancel());
      call.on('cancelled', () => forward.cancel());
      forward.on('data', (response: Buffer) => {
        responses.push(decodeDataRequest(response, docarray));
        if (call.writable) call.write(response);
      });
      forward.on('end', () => call.end());
      forward.on('error', () => call.end());
    },
    identity,
    identity,
    'bidi',
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    responses,
    async close() {
      server.forceShutdown();
      upstream.close();
    },
  };
}
