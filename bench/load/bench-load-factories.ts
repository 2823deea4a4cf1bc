import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import type { LoadFactories } from '../../src/load/load-factories.ts';
import type { JinaDocument } from '../../src/protocol/document.ts';

/**
 * Factories for the benchmarks: the real gRPC client and a finite, cycling input of text
 * documents (like a dataset ingester: the same objects every pass, `size` finite).
 */
export const loadFactories = {
  // generator-efficiency.ts --connections shared sets this (same process: workers 0).
  createClient: (options) => createGrpcClient({ ...options, sharedConnection: process.env.BENCH_GRPC_CONNECTIONS === 'shared' }),
  async createInput(call, context) {
    const numDocs = Number(call.kwargs.num_docs ?? 1000);
    const docs: JinaDocument[] = Array.from({ length: numDocs }, (_, i) => ({
      id: `c${context.clientIndex}-d${i}`,
      text: `document ${i} of client ${context.clientIndex}: the quick brown fox jumps over the lazy dog`,
      tags: { index: i },
    }));
    let next = 0;
    return {
      name: 'bench_texts',
      size: numDocs,
      take(count) {
        const batch = new Array<JinaDocument>(count);
        for (let i = 0; i < count; i++) {
          batch[i] = docs[next]!;
          next = next + 1 === numDocs ? 0 : next + 1;
        }
        return batch;
      },
    };
  },
  async createCheck() {
    return () => [];
  },
} satisfies LoadFactories;
