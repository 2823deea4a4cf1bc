import * as grpc from '@grpc/grpc-js';
import { StressError } from '../../errors';
import {
  decodeDataRequest,
  encodeDataRequest,
  encodeEndpoints,
  encodeJinaInfo,
  encodeStatus,
} from '../../protocol/codec';
import type { DataRequest } from '../../protocol/data-request';
import type { DocarrayVersion } from '../../protocol/document';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../protocol/grpc-methods';
import { errorResponse } from './error-response';
import { isExecutorUnavailable, type GatewayHandler, type GatewayServer, type GatewayServerOptions } from './gateway-handler';

const keepBuffer = (buffer: Buffer): Buffer => buffer;
const passBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function method(path: string, requestStream: boolean, responseStream: boolean): grpc.MethodDefinition<Buffer, Uint8Array> {
  return {
    path,
    requestStream,
    responseStream,
    requestSerialize: keepBuffer,
    requestDeserialize: keepBuffer,
    responseSerialize: passBytes,
    responseDeserialize: keepBuffer,
  };
}

// grpc.health.v1.HealthCheckResponse {status = 1: SERVING}, as Jina registers on every server.
const healthServing = new Uint8Array([0x08, 0x01]);

/**
 * Jina's gateway services over gRPC: JinaRPC/Call (bidi; each response is written as soon as
 * its request completes, so order may differ from the requests'), process_single_data, dry_run,
 * _status, endpoint_discovery, and grpc.health.v1 Check.
 */
export async function startGrpcGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const { handler, docarray } = options;
  const host = options.host ?? '127.0.0.1';
  const server = new grpc.Server(jinaGrpcChannelOptions);
  const services: Array<[string, grpc.MethodDefinition<Buffer, Uint8Array>, grpc.UntypedHandleCall]> = [
    ['Call', method(jinaGrpcMethods.call, true, true), (call: grpc.ServerDuplexStream<Buffer, Uint8Array>) => serveCall(call, handler, docarray)],
    ['process_single_data', method(jinaGrpcMethods.processSingleData, false, false), unary(async (bytes) => processSingle(bytes, handler, docarray))],
    ['dry_run', method(jinaGrpcMethods.dryRun, false, false), unary(async () => encodeStatus(await handler.dryRun()))],
    ['_status', method(jinaGrpcMethods.status, false, false), unary(async () => encodeJinaInfo(handler.info()))],
    ['endpoint_discovery', method(jinaGrpcMethods.endpointDiscovery, false, false), unary(async () => encodeEndpoints({ endpoints: handler.endpoints(), writeEndpoints: [] }))],
    ['Check', method(jinaGrpcMethods.healthCheck, false, false), unary(async () => healthServing)],
  ];
  for (const [name, definition, implementation] of services) {
    server.addService({ [name]: definition }, { [name]: implementation });
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(new StressError('AGENT_RUNTIME', `cannot listen on ${host}:${options.port}: ${error.message}`, { cause: error })) : resolve(bound),
    );
  });
  return {
    protocol: 'grpc',
    host,
    port,
    close: async () => server.forceShutdown(),
  };
}

function unary(respond: (request: Buffer) => Promise<Uint8Array>): grpc.handleUnaryCall<Buffer, Uint8Array> {
  return (call, callback) => {
    respond(call.request).then(
      (bytes) => callback(null, bytes),
      (error: unknown) => callback(grpcError(error)),
    );
  };
}

async function processSingle(bytes: Buffer, handler: GatewayHandler, docarray: DocarrayVersion): Promise<Uint8Array> {
  const request = decodeDataRequest(bytes, docarray);
  return encodeDataRequest(await handler.process(request), docarray);
}

function serveCall(call: grpc.ServerDuplexStream<Buffer, Uint8Array>, handler: GatewayHandler, docarray: DocarrayVersion): void {
  let inFlight = 0;
  let isInputDone = false;
  const finishIfDone = (): void => {
    if (isInputDone && inFlight === 0 && !call.cancelled) call.end();
  };
  call.on('data', (bytes: Buffer) => {
    let request: DataRequest;
    try {
      request = decodeDataRequest(bytes, docarray);
    } catch (error) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
      return;
    }
    inFlight++;
    // An unavailable executor answers this request with an error status and keeps the
    // stream open: closing it would fail every other request in flight on it.
    handler
      .process(request)
      .catch((error: unknown) => errorResponse(request, error))
      .then((response) => {
        if (!call.cancelled && call.writable) call.write(encodeDataRequest(response, docarray));
      })
      .catch((error: unknown) => {
        if (!call.cancelled) call.emit('error', { code: grpc.status.INTERNAL, details: (error as Error).message });
      })
      .finally(() => {
        inFlight--;
        finishIfDone();
      });
  });
  call.on('end', () => {
    isInputDone = true;
    finishIfDone();
  });
}

function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const details = error instanceof Error ? error.message : String(error);
  if (isExecutorUnavailable(error)) {
    return { code: error.reason === 'unavailable' ? grpc.status.UNAVAILABLE : grpc.status.DEADLINE_EXCEEDED, details };
  }
  if (error instanceof StressError && error.code === 'PROTOCOL_DECODE') return { code: grpc.status.INVALID_ARGUMENT, details };
  return { code: grpc.status.INTERNAL, details };
}
