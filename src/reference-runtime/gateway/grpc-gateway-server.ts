import * as grpc from '@grpc/grpc-js';
import { StressError } from '../../errors.ts';
import {
  decodeDataRequest,
  encodeDataRequest,
  encodeEndpoints,
  encodeJinaInfo,
  encodeStatus,
} from '../../protocol/codec.ts';
import type { DataRequest } from '../../protocol/data-request.ts';
import type { DocarrayVersion } from '../../protocol/document.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../protocol/grpc-methods.ts';
import { protoTypes } from '../../protocol/proto-types.ts';
import { isExecutorUnavailable, type GatewayHandler, type GatewayServer, type GatewayServerOptions } from './gateway-handler.ts';

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
 * _status, endpoint_discovery, and grpc.health.v1 Check. Behaviour as observed on Jina 3.34
 * (docs/jina-protocols-verified.md §1.9, §1.11, §2): a deployment that cannot be reached ends
 * the whole Call stream with UNAVAILABLE after one message holding only the request id;
 * endpoint discovery fails (UNKNOWN) on docarray v1 gateways.
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
    ['endpoint_discovery', method(jinaGrpcMethods.endpointDiscovery, false, false), unary(async () => discoverEndpoints(handler, docarray))],
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
  let isEnded = false;
  const isOpen = (): boolean => !isEnded && !call.cancelled;
  const finishIfDone = (): void => {
    if (isInputDone && inFlight === 0 && isOpen()) {
      isEnded = true;
      call.end();
    }
  };
  const endWith = (status: Partial<grpc.StatusObject>): void => {
    if (!isOpen()) return;
    isEnded = true;
    call.emit('error', status);
  };
  call.on('data', (bytes: Buffer) => {
    let request: DataRequest;
    try {
      request = decodeDataRequest(bytes, docarray);
    } catch (error) {
      endWith({ code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
      return;
    }
    inFlight++;
    handler
      .process(request)
      .then(
        (response) => {
          if (isOpen() && call.writable) call.write(encodeDataRequest(response, docarray));
        },
        (error: unknown) => {
          if (!isExecutorUnavailable(error)) throw error;
          // Jina's streamer: one message with only the request id, then the stream ends with
          // UNAVAILABLE — every other request in flight on it is lost (§1.9).
          if (isOpen() && call.writable) call.write(requestIdOnly(request.header.requestId, docarray));
          endWith(grpcError(error));
        },
      )
      .catch((error: unknown) => endWith({ code: grpc.status.INTERNAL, details: (error as Error).message }))
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

/** v2: the bound endpoints plus Jina's own `_jina_dry_run_`. v1: Jina 3.34 fails here (§1.11). */
async function discoverEndpoints(handler: GatewayHandler, docarray: DocarrayVersion): Promise<Uint8Array> {
  // Jina's v1 gateway learns the executors' endpoints here, then fails building the answer.
  const endpoints = handler.endpoints();
  if (docarray === 'v1') {
    throw new GrpcStatusError(grpc.status.UNKNOWN, "Unexpected <class 'AttributeError'>: 'NoneType' object has no attribute '__name__'");
  }
  return encodeEndpoints({ endpoints: [...endpoints, '_jina_dry_run_'], writeEndpoints: [] });
}

/** A DataRequestProto with nothing but `header.request_id` (14 bytes for `after-kill`, as Jina's). */
function requestIdOnly(requestId: string, docarray: DocarrayVersion): Uint8Array {
  return protoTypes(docarray).dataRequest.encode({ header: { requestId } }).finish();
}

class GrpcStatusError extends Error {
  constructor(
    readonly grpcCode: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const details = error instanceof Error ? error.message : String(error);
  if (error instanceof GrpcStatusError) return { code: error.grpcCode, details };
  if (isExecutorUnavailable(error)) {
    return { code: error.reason === 'unavailable' ? grpc.status.UNAVAILABLE : grpc.status.DEADLINE_EXCEEDED, details };
  }
  if (error instanceof StressError && error.code === 'PROTOCOL_DECODE') return { code: grpc.status.INVALID_ARGUMENT, details };
  return { code: grpc.status.INTERNAL, details };
}
