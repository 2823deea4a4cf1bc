import { performance } from 'node:perf_hooks';
import type { ArrivalModel } from './load-params.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import type { ModelShard, ShardLane } from './model-shard.ts';
import type { ShardLag } from './shard-snapshot.ts';

/**
 * Requests start on the arrival schedule, whatever the target does: a stalled target makes
 * requests pile up in flight (and their latency, counted from the intended start, shows the
 * stall) instead of slowing the generator down as in the closed model.
 *
 * Shard k of n takes requests k, k+n, k+2n, ... of the one global schedule, so shards
 * interleave exactly; with segments (several generators) the same holds one level up: the
 * segment's requests are every segment.count-th of the schedule, and its shards split those. Within a shard each request goes to the client with the fewest in
 * flight (ties rotate), so one slow connection does not collect a queue of its own.
 *
 * The generator never slips silently: a start later than `lagToleranceMs` behind schedule
 * (a busy event loop) counts as late, and a request refused by the in-flight cap counts as
 * dropped; both fail the step unless `allow_lag`.
 */
export async function runOpenModel(shard: ModelShard, arrival: ArrivalModel): Promise<void> {
  const schedule = new ArrivalSchedule(arrival);
  const { shardIndex, shardCount, lagToleranceMs, maxInFlight, segment } = shard.spec;
  const lag: ShardLag = { lateStarts: 0, maxLagMs: 0, dropped: 0 };
  shard.lag = lag;
  // Segment s of n owns requests s-1, s-1+n, ...; its shard k takes every shardCount-th of those.
  const stride = segment.count * shardCount;
  const first = segment.index - 1 + segment.count * shardIndex;
  shard.planned = Math.max(0, Math.ceil((schedule.count - first) / stride));
  const lanes = shard.lanes;
  let next = first;
  let rotation = 0;

  const pickLane = (): ShardLane => {
    let best = lanes[rotation]!;
    for (let k = 1; k < lanes.length; k++) {
      const lane = lanes[(rotation + k) % lanes.length]!;
      if (lane.inFlight < best.inFlight) best = lane;
    }
    rotation = (rotation + 1) % lanes.length;
    return best;
  };

  const scheduled = new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      while (next < schedule.count && !shard.isStopping) {
        const intendedMs = shard.startMs + schedule.timeMs(next);
        const now = performance.now();
        if (intendedMs > now) {
          timer = setTimeout(pump, intendedMs - now);
          return;
        }
        next += stride;
        const lateMs = now - intendedMs;
        if (lateMs > lagToleranceMs) lag.lateStarts++;
        if (lateMs > lag.maxLagMs) lag.maxLagMs = lateMs;
        if (shard.inFlight >= maxInFlight) {
          lag.dropped++;
          continue;
        }
        shard.send(pickLane(), intendedMs).catch((error: unknown) => shard.fail(error));
      }
      resolve();
    };
    void shard.whenStopped().then(() => {
      clearTimeout(timer);
      resolve();
    });
    pump();
  });
  await shard.settle(scheduled);
}
