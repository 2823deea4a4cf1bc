import { performance } from 'node:perf_hooks';
import type { ModelShard, ShardLane } from './model-shard.ts';

/**
 * The seed's model: every client sends, waits, records, repeats. With `prefetch` > 1 a client
 * runs that many such loops on its one connection. No request starts at or after the
 * deadline; whatever is in flight then gets the shard's grace and is cut off after it.
 */
export async function runClosedModel(shard: ModelShard): Promise<void> {
  const loops: Array<Promise<void>> = [];
  for (const lane of shard.lanes) {
    for (let slot = 0; slot < shard.spec.params.prefetch; slot++) {
      loops.push(loop(shard, lane).catch((error: unknown) => shard.fail(error)));
    }
  }
  await shard.settle(Promise.all(loops).then(() => undefined));
}

async function loop(shard: ModelShard, lane: ShardLane): Promise<void> {
  while (!shard.isStopping && performance.now() < shard.deadlineMs) await shard.send(lane);
}
