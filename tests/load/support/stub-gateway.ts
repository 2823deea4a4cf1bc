import * as grpc from '@grpc/grpc-js';
import { decodeDataRequest, encodeDataRequest } from '../../../src/protocol/codec';
import { jinaGrpcMethods } from '../../../src/protocol/grpc-methods';

export interface StubGateway {
  port: number;
  close(): Promise<void>;
}

const passBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * A bare Jina gRPC gateway for developing the engine before the reference runtime existed:
 * answers each `/jina.JinaRPC/Call` request after `latencyMs` with routes stamped for one
 * executor. Real HTTP/2 on loopback, real codec.
 */
export async function startStubGateway(latencyMs: number, executor = 'stub'): Promise<StubGateway> {
  const server = new grpc.Server();
  server.register(
    jinaGrpcMethods.call,
    (call: grpc.ServerDuplexStream<Buffer, Uint8Array>) => {
      call.on('data', (buffer: Buffer) => {
        const request = decodeDataRequest(buffer, 'v1');
        const startUs = (performance.timeOrigin + performance.now()) * 1000;
        setTimeout(() => {
          const endUs = (performance.timeOrigin + performance.now()) * 1000;
          const routes = [
            { executor: 'gateway', startUs: startUs - 50, endUs: endUs + 50 },
            { executor, startUs, endUs },
          ];
          if (!call.writable) return;
          call.write(encodeDataRequest({ ...request, routes }, 'v1'));
        }, latencyMs);
      });
      call.on('end', () => call.end());
    },
    passBytes,
    (buffer: Buffer) => buffer,
    'bidi',
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}
