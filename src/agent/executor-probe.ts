import * as grpc from '@grpc/grpc-js';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../protocol/grpc-methods.ts';
import { acceptsConnections, type ReadinessCheck, type ReadinessProbe } from './readiness-probes.ts';

const keepBuffer = (buffer: Buffer): Buffer => buffer;

/**
 * An executor (a Jina worker, or a reference executor server) is ready when its
 * `endpoint_discovery` answers: the gateway asks exactly that before it sends anything, and a
 * worker binds its port before its executor has loaded.
 */
export const executorProbe: ReadinessProbe = async (target, timeoutMs) => {
  if (!(await acceptsConnections(target, timeoutMs))) return { status: 'not-ready', reason: 'port not accepting connections' };
  const client = new grpc.Client(`${target.host}:${target.port}`, grpc.credentials.createInsecure(), jinaGrpcChannelOptions);
  try {
    return await new Promise<ReadinessCheck>((resolve) => {
      client.makeUnaryRequest<Buffer, Buffer>(
        jinaGrpcMethods.endpointDiscovery,
        keepBuffer,
        keepBuffer,
        Buffer.alloc(0),
        { deadline: Date.now() + timeoutMs },
        (error) => resolve(error ? { status: 'not-ready', reason: `endpoint_discovery: ${error.details || error.message}` } : { status: 'ready' }),
      );
    });
  } finally {
    client.close();
  }
};
