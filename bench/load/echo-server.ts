import * as grpc from '@grpc/grpc-js';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../src/protocol/grpc-methods.ts';

// A bare grpc-js server for `/jina.JinaRPC/Call` that answers every message with itself:
// the cheapest possible gateway, so the generator is what the benchmark measures. Run in its
// own process by generator-efficiency.ts; prints `{"port": n}` when listening.
const identity = (buffer: Buffer): Buffer => buffer;
const server = new grpc.Server(jinaGrpcChannelOptions);
server.register(
  jinaGrpcMethods.call,
  (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
    call.on('data', (message: Buffer) => call.write(message));
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  },
  identity,
  identity,
  'bidi',
);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => server.forceShutdown());
