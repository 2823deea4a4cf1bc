import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { encodeDataRequest } from '../../../src/protocol/codec.ts';
import type { DocarrayVersion } from '../../../src/protocol/document.ts';
import { jinaGrpcChannelOptions, jinaGrpcMethods } from '../../../src/protocol/grpc-methods.ts';

const identity = (buffer: Buffer): Buffer => buffer;

/**
 * The baseline client for latency assertions: bare grpc-js on one bidi stream, one request
 * in flight, the same pre-encoded bytes each time, nothing decoded or recorded but the round
 * trip. Run in the same process, against the same target and next to the engine's phases, it
 * is what this machine, loaded as it is right now, makes of a round trip.
 */
export async function measureBareRoundTrips(port: number, docarray: DocarrayVersion, durationMs: number): Promise<number[]> {
  const bytes = Buffer.from(
    encodeDataRequest({ header: { requestId: 'bare', execEndpoint: '/index' }, parameters: {}, routes: [], docs: [{ id: 'bare', text: 'bare' }] }, docarray),
  );
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { ...jinaGrpcChannelOptions, 'grpc.use_local_subchannel_pool': 1 });
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())));
  const roundTrips: number[] = [];
  const endAt = performance.now() + durationMs;
  await new Promise<void>((resolve, reject) => {
    const call = client.makeBidiStreamRequest(jinaGrpcMethods.call, identity, identity);
    let sentAt = performance.now();
    call.on('data', () => {
      const now = performance.now();
      roundTrips.push(now - sentAt);
      if (now >= endAt) return call.end();
      sentAt = performance.now();
      call.write(bytes);
    });
    call.on('end', () => resolve());
    call.on('error', reject);
    call.write(bytes);
  });
  client.close();
  return roundTrips;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
