import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { StressError } from '../../errors.ts';
import { decodeDataRequest, decodeEndpoints, emptyMessageBytes, encodeDataRequest } from '../../protocol/codec.ts';
import { STATUS_ERROR, type Status } from '../../protocol/data-request.ts';
import type { DocarrayVersion } from '../../protocol/document.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../protocol/grpc-methods.ts';
import type { JsonObject } from '../../protocol/json-value.ts';
import { RESULTS_KEY } from '../executor-parameters.ts';
import { ExecutorUnavailable, type ExecutorReply, type ExecutorRequest, type SimulatedExecutor } from './simulated-executor.ts';

/** Where an `external: true` executor listens. */
export interface ExternalAddress {
  host: string;
  port: number;
}

/** The remote executor answered with `header.status` ERROR: kept as it came (class, stack). */
export class RemoteExecutorError extends Error {
  constructor(readonly status: Status) {
    super(status.description ?? 'executor error');
    this.name = 'RemoteExecutorError';
  }
}

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 5 * 60_000;

const keepBuffer = (buffer: Buffer): Buffer => buffer;
const passBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * An executor served elsewhere over Jina's gateway→executor gRPC protocol (a real
 * `jina executor` or this project's reference executor server), called as Jina 3.34's gateway
 * calls it: endpoint discovery first (repeated until it answers, which is also the readiness
 * wait), then one `process_single_data` per request. An ERROR status comes back as a
 * RemoteExecutorError; a transport failure as ExecutorUnavailable naming the address.
 */
export async function connectRemoteExecutor(options: {
  deployment: string;
  address: ExternalAddress & { timeoutSendMs?: number };
  docarray: DocarrayVersion;
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}): Promise<SimulatedExecutor> {
  const { deployment, address, docarray } = options;
  const target = `${address.host}:${address.port}`;
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), jinaGrpcChannelOptions);
  const call = (path: string, bytes: Uint8Array, timeoutMs: number, metadata = new grpc.Metadata()): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      client.makeUnaryRequest<Uint8Array, Buffer>(path, passBytes, keepBuffer, bytes, metadata, { deadline: Date.now() + timeoutMs }, (error, response) =>
        error || !response ? reject(error ?? new Error('no response')) : resolve(response),
      );
    });

  const deadline = Date.now() + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  let endpoints: string[] | undefined;
  let lastError: unknown;
  while (endpoints === undefined) {
    if (options.signal?.aborted) break;
    try {
      endpoints = decodeEndpoints(await call(jinaGrpcMethods.endpointDiscovery, emptyMessageBytes, 2_000)).endpoints.filter((name) => !name.startsWith('_jina_'));
    } catch (error) {
      lastError = error;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  if (endpoints === undefined) {
    client.close();
    throw new StressError('AGENT_RUNTIME', `external executor ${deployment} at ${target} did not answer endpoint discovery: ${(lastError as Error)?.message ?? 'aborted'}`, {
      hint: 'Is the executor running and reachable from this host at that address?',
    });
  }

  return {
    endpoints,
    async process(request: ExecutorRequest): Promise<ExecutorReply> {
      const bytes = encodeDataRequest(
        { header: { requestId: randomUUID().replaceAll('-', ''), execEndpoint: request.endpoint }, parameters: request.parameters, routes: [], docs: request.docs },
        docarray,
      );
      // As Jina's gateway: a Deployment's head reads the endpoint from this metadata (not the
      // header) to pick its polling and the endpoint's docarray-v2 model; a worker ignores it.
      const metadata = new grpc.Metadata();
      metadata.set('endpoint', request.endpoint);
      let answer: Buffer;
      try {
        answer = await call(jinaGrpcMethods.processSingleData, bytes, address.timeoutSendMs ?? CALL_TIMEOUT_MS, metadata);
      } catch (error) {
        const details = (error as grpc.ServiceError).details ?? (error as Error).message;
        // Not marked dead: a host cut off for a while answers again once its link is back.
        throw new ExecutorUnavailable(`external executor ${deployment} at ${target} did not answer: ${details}`, true);
      }
      const response = decodeDataRequest(answer, docarray);
      if (response.header.status?.code === STATUS_ERROR) throw new RemoteExecutorError(response.header.status);
      const results = response.parameters[RESULTS_KEY];
      if (!results || typeof results !== 'object' || Array.isArray(results)) return { docs: response.docs };
      // The worker keys its dict by its own runtime name; the Deployment re-keys it by replica.
      const values = Object.values(results);
      if (values.length === 0) return { docs: response.docs };
      return values.length === 1 ? { docs: response.docs, results: values[0] as JsonObject } : { docs: response.docs, results };
    },
    async close() {
      client.close();
    },
  };
}
