import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { StressError } from '../../errors.ts';
import { decodeDataRequest, encodeDataRequest, encodeEndpoints, encodeJinaInfo, type JinaInfo } from '../../protocol/codec.ts';
import type { DataRequest } from '../../protocol/data-request.ts';
import type { DocarrayVersion } from '../../protocol/document.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../protocol/grpc-methods.ts';
import type { JsonObject } from '../../protocol/json-value.ts';
import { protoTypes } from '../../protocol/proto-types.ts';
import { parametersFor, RESULTS_KEY } from '../executor-parameters.ts';
import { exceptionStatus } from '../executor-status.ts';
import { findExecutorKind } from '../executors/executor-table.ts';
import { DEFAULT_ENDPOINT, ExecutorUnavailable, type SimulatedExecutor } from '../executors/simulated-executor.ts';
import { REFERENCE_JINA_VERSION } from '../reference-flow.ts';
import { legacyDocumentJinaSchema } from './legacy-document-jina-schema.ts';

/** The gRPC services of a Jina 3.34 worker (executor runtime) that a gateway calls. */
export const jinaExecutorMethods = {
  processSingleData: jinaGrpcMethods.processSingleData,
  processData: '/jina.JinaDataRequestRPC/process_data',
  endpointDiscovery: jinaGrpcMethods.endpointDiscovery,
  status: jinaGrpcMethods.status,
  healthCheck: jinaGrpcMethods.healthCheck,
} as const;

/** The endpoint Jina's gateway sends on a dry run; every executor binds it and does nothing. */
export const DRY_RUN_ENDPOINT = '_jina_dry_run_';

export interface ExecutorServerOptions {
  /** The deployment name: the route the worker appends and whose parameters it reads. */
  name: string;
  /** The class (`uses`), simulated by the reference runtime's executor table. */
  uses: string;
  usesWith?: JsonObject;
  metas?: JsonObject;
  /** The shard this process serves, of how many (an indexer names its file after it). */
  shardIndex?: number;
  shardCount?: number;
  /** Relative workspaces resolve here. */
  workdir: string;
  docarray: DocarrayVersion;
  host?: string;
  /** 0: a free port. */
  port: number;
}

export interface ExecutorServer {
  readonly host: string;
  readonly port: number;
  readonly endpoints: readonly string[];
  /** Stops serving and persists the executor's state (an indexer writes its shard). */
  close(): Promise<void>;
}

const keepBuffer = (buffer: Buffer): Buffer => buffer;
const passBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const unaryMethod = (path: string): grpc.MethodDefinition<Buffer, Uint8Array> => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: keepBuffer,
  requestDeserialize: keepBuffer,
  responseSerialize: passBytes,
  responseDeserialize: keepBuffer,
});

// grpc.health.v1.HealthCheckResponse {status = 1: SERVING}, as Jina registers on every server.
const healthServing = new Uint8Array([0x08, 0x01]);

/**
 * One reference executor served the way `jina executor --uses … --port …` serves a Jina 3.34
 * worker (`serve/runtimes/worker/request_handling.py`), so a real Jina gateway can use it as an
 * `external` executor and the reference gateway can use a real one:
 * - `process_single_data` (one DataRequestProto) and `process_data` (a DataRequestListProto
 *   whose documents are joined; the answer is the first request);
 * - an endpoint the executor does not bind (and no `/default`) returns the request unchanged;
 *   `_jina_dry_run_` is bound by every executor and does nothing;
 * - the executor sees the parameters narrowed to its name; a returned dict lands in
 *   `parameters.__results__[<name>]`; the worker appends a route `{executor: <name>}` without
 *   times (the gateway stamps them);
 * - an exception → the request as it came, `header.status` ERROR (`executor` = class name) and
 *   trailing metadata `is-error: true`; a crashed replica → gRPC UNAVAILABLE;
 * - `endpoint_discovery` lists the endpoints plus `_jina_dry_run_`; with docarray v2 each
 *   endpoint's schemas are LegacyDocumentJina's, which the gateway maps to its legacy model;
 * - `_status` and grpc.health.v1 Check.
 */
export async function startExecutorServer(options: ExecutorServerOptions): Promise<ExecutorServer> {
  const executor = await findExecutorKind(options.uses).create({
    deployment: options.name,
    className: options.uses,
    shardIndex: options.shardIndex ?? 0,
    shardCount: options.shardCount ?? 1,
    usesWith: options.usesWith ?? {},
    metas: options.metas ?? {},
    workdir: options.workdir,
  });
  const worker = new ReferenceWorker(options, executor);
  const host = options.host ?? '127.0.0.1';
  const server = new grpc.Server(jinaGrpcChannelOptions);
  const services: Array<[string, string, (bytes: Buffer) => Promise<Answer>]> = [
    ['process_single_data', jinaExecutorMethods.processSingleData, async (bytes) => worker.handle([decodeDataRequest(bytes, options.docarray)])],
    ['process_data', jinaExecutorMethods.processData, async (bytes) => worker.handle(decodeRequestList(bytes, options.docarray))],
    ['endpoint_discovery', jinaExecutorMethods.endpointDiscovery, async () => ({ bytes: worker.discovery() })],
    ['_status', jinaExecutorMethods.status, async () => ({ bytes: encodeJinaInfo(worker.info()) })],
    ['Check', jinaExecutorMethods.healthCheck, async () => ({ bytes: healthServing })],
  ];
  for (const [name, path, respond] of services) {
    const implementation: grpc.handleUnaryCall<Buffer, Uint8Array> = (call, callback) => {
      respond(call.request).then(
        (answer) => {
          const trailer = new grpc.Metadata();
          if (answer.isError) trailer.set('is-error', 'true');
          callback(null, answer.bytes, trailer);
        },
        (error: unknown) => callback(grpcError(error)),
      );
    };
    server.addService({ [name]: unaryMethod(path) }, { [name]: implementation });
  }
  // Jina's gateway lists a worker's services through gRPC reflection before it makes stubs.
  server.addService(
    {
      ServerReflectionInfo: {
        path: REFLECTION_PATH,
        requestStream: true,
        responseStream: true,
        requestSerialize: keepBuffer,
        requestDeserialize: keepBuffer,
        responseSerialize: passBytes,
        responseDeserialize: keepBuffer,
      },
    },
    { ServerReflectionInfo: (call: grpc.ServerDuplexStream<Buffer, Uint8Array>) => answerReflection(call) },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error
        ? reject(new StressError('AGENT_RUNTIME', `executor ${options.name} cannot listen on ${host}:${options.port}: ${error.message}`, { cause: error }))
        : resolve(bound),
    );
  });
  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    endpoints: executor.endpoints,
    close: () =>
      (closed ??= (async () => {
        server.forceShutdown();
        await executor.close?.();
      })()),
  };
}

interface Answer {
  bytes: Uint8Array;
  isError?: boolean;
}

class ReferenceWorker {
  private readonly startedAt = new Date();

  constructor(
    private readonly options: ExecutorServerOptions,
    private readonly executor: SimulatedExecutor,
  ) {}

  private binds(endpoint: string): boolean {
    return this.executor.endpoints.includes(endpoint) || this.executor.endpoints.includes(DEFAULT_ENDPOINT);
  }

  async handle(requests: DataRequest[]): Promise<Answer> {
    const first = requests[0];
    if (!first) throw new StressError('PROTOCOL_DECODE', 'process_data received an empty DataRequestListProto');
    const { docarray, name, uses } = this.options;
    const endpoint = first.header.execEndpoint ?? '';
    if (endpoint === DRY_RUN_ENDPOINT || !this.binds(endpoint)) return { bytes: encodeDataRequest(first, docarray) };
    const docs = requests.flatMap((request) => request.docs);
    const withRoute = (request: DataRequest): DataRequest => ({ ...request, routes: [...request.routes, { executor: name }] });
    try {
      const reply = await this.executor.process({ endpoint, docs, parameters: parametersFor(first.parameters, name), replicaIndex: 0 });
      let parameters = first.parameters;
      if (reply.results) {
        const previous = parameters[RESULTS_KEY];
        const results = previous && typeof previous === 'object' && !Array.isArray(previous) ? previous : {};
        parameters = { ...parameters, [RESULTS_KEY]: { ...results, [name]: reply.results } };
      }
      return { bytes: encodeDataRequest(withRoute({ ...first, docs: reply.docs, parameters }), docarray) };
    } catch (error) {
      if (error instanceof ExecutorUnavailable) throw error;
      const status = exceptionStatus(error, uses, endpoint);
      return { bytes: encodeDataRequest({ ...first, header: { ...first.header, status } }, docarray), isError: true };
    }
  }

  discovery(): Uint8Array {
    const endpoints = [...this.executor.endpoints, DRY_RUN_ENDPOINT];
    if (this.options.docarray === 'v1') return encodeEndpoints({ endpoints, writeEndpoints: [] });
    const model = { name: 'LegacyDocumentJina', model: legacyDocumentJinaSchema };
    const schemas: JsonObject = {};
    for (const endpoint of endpoints) {
      schemas[endpoint] = { input: model, output: model, is_generator: false, is_singleton_doc: false, parameters: { name: null, model: null } };
    }
    return encodeEndpoints({ endpoints, writeEndpoints: [], schemas });
  }

  info(): JinaInfo {
    return {
      jina: {
        jina: REFERENCE_JINA_VERSION,
        docarray: this.options.docarray === 'v1' ? '0.21.1' : '0.40.1',
        'jina-proto': '0.1.27',
        runtime: 'jina-stress reference executor',
        executor: this.options.uses,
        'node.js': process.version,
        platform: process.platform,
        architecture: process.arch,
        'session-start': this.startedAt.toISOString(),
      },
      envs: {},
    };
  }
}

const REFLECTION_PATH = '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo';

/** What a Jina 3.34 worker lists: the services its gateway maps to stubs, health, reflection. */
const listedServices = [
  'jina.JinaDataRequestRPC',
  'jina.JinaSingleDataRequestRPC',
  'jina.JinaDiscoverEndpointsRPC',
  'jina.JinaInfoRPC',
  'grpc.health.v1.Health',
  'grpc.reflection.v1alpha.ServerReflection',
];

/**
 * ServerReflectionInfo, `list_services` only (the one question Jina's gateway asks):
 * ServerReflectionResponse {original_request = 2, list_services_response = 6 {service = 1
 * {name = 1}}}; anything else gets error_response = 7 {error_code = 12 UNIMPLEMENTED}.
 */
function answerReflection(call: grpc.ServerDuplexStream<Buffer, Uint8Array>): void {
  call.on('data', (request: Buffer) => {
    const reader = protobuf.Reader.create(request);
    let listsServices = false;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 7) listsServices = true;
      reader.skipType(tag & 7);
    }
    const writer = protobuf.Writer.create();
    writer.uint32((2 << 3) | 2).bytes(request);
    if (listsServices) {
      const list = protobuf.Writer.create();
      for (const name of listedServices) list.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(name).ldelim();
      writer.uint32((6 << 3) | 2).bytes(list.finish());
    } else {
      writer.uint32((7 << 3) | 2).fork().uint32(1 << 3).int32(grpc.status.UNIMPLEMENTED).ldelim();
    }
    if (call.writable) call.write(writer.finish());
  });
  call.on('end', () => call.end());
}

function decodeRequestList(bytes: Uint8Array, docarray: DocarrayVersion): DataRequest[] {
  const types = protoTypes(docarray);
  let list: { requests?: protobufMessage[] };
  try {
    list = types.dataRequestList.decode(bytes) as { requests?: protobufMessage[] };
  } catch (error) {
    throw new StressError('PROTOCOL_DECODE', `cannot decode DataRequestListProto: ${(error as Error).message}`, { cause: error });
  }
  return (list.requests ?? []).map((message) => decodeDataRequest(types.dataRequest.encode(message).finish(), docarray));
}

type protobufMessage = Parameters<ReturnType<typeof protoTypes>['dataRequest']['encode']>[0];

function grpcError(error: unknown): Partial<grpc.StatusObject> {
  const details = error instanceof Error ? error.message : String(error);
  if (error instanceof ExecutorUnavailable) return { code: grpc.status.UNAVAILABLE, details };
  if (error instanceof StressError && error.code === 'PROTOCOL_DECODE') return { code: grpc.status.INVALID_ARGUMENT, details };
  return { code: grpc.status.INTERNAL, details };
}
