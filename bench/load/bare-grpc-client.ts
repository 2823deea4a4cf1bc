import * as grpc from '@grpc/grpc-js';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../src/protocol/grpc-methods.ts';

export interface BareRun {
  messages: number;
  seconds: number;
  cpuMs: number;
}

const identity = (buffer: Buffer): Buffer => buffer;

/**
 * The baseline: `streams` grpc-js clients, one bidi stream each, every stream sending the same
 * pre-encoded bytes again as soon as the previous answer arrives (one in flight per stream,
 * like a closed-model client with prefetch 1). No encoding, no decoding, no recording.
 */
export async function runBareClient(port: number, payload: Uint8Array, streams: number, durationMs: number, sharedConnection: boolean): Promise<BareRun> {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  // Connections laid out as the pipeline's clients lay them out: one each, or one shared.
  const options = sharedConnection ? jinaGrpcChannelOptions : { ...jinaGrpcChannelOptions, 'grpc.use_local_subchannel_pool': 1 };
  const clients = Array.from({ length: streams }, () => new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options));
  await Promise.all(clients.map((client) => new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 5000, (error) => (error ? reject(error) : resolve())))));
  let messages = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const endAt = started + durationMs;
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          const call = client.makeBidiStreamRequest(jinaGrpcMethods.call, identity, identity);
          call.on('data', () => {
            messages++;
            if (performance.now() < endAt) call.write(bytes);
            else call.end();
          });
          call.on('end', () => resolve());
          call.on('error', () => resolve());
          call.write(bytes);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  for (const client of clients) client.close();
  return { messages, seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}
