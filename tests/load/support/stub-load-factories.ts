import type { LoadFactories } from '../../../src/load/load-factories';
import { createGrpcClient } from '../../../src/gateway/grpc-client';

/** Factories for the stub gateway: the real gRPC client, generated text docs, no check. */
export const loadFactories = {
  createClient: createGrpcClient,
  async createInput(_call, context) {
    let next = 0;
    return {
      name: 'stub_texts',
      size: Infinity,
      take: (count) => Array.from({ length: count }, () => ({ id: `c${context.clientIndex}-${next++}`, text: 'hello' })),
    };
  },
  async createCheck() {
    return () => [];
  },
} satisfies LoadFactories;
