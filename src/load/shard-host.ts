import { isStressError } from '../errors.ts';
import type { LoadFactories } from './load-factories.ts';
import { LoadShard } from './load-shard.ts';
import type { SerializedError, ShardCommand, ShardEvent } from './shard-snapshot.ts';
import type { ShardSpec } from './shard-spec.ts';

/**
 * Runs one shard behind a message protocol, the same in the calling thread and in a worker:
 * prepare → `ready` → wait for `start` → `second`… → `final` (or `failed` at any point).
 * A `stop` before `start` makes the phase end as soon as it starts.
 * Returns the command handler.
 */
export function hostShard(
  spec: ShardSpec,
  loadFactories: () => Promise<LoadFactories>,
  emit: (event: ShardEvent) => void,
): (command: ShardCommand) => void {
  let shard: LoadShard | undefined;
  let pendingStop: ShardCommand | undefined;
  const prepared = loadFactories()
    .then((factories) => LoadShard.prepare(spec, factories))
    .then((ready) => {
      shard = ready;
      if (pendingStop?.type === 'stop') ready.stop(pendingStop.reason);
      emit({ type: 'ready' });
      return ready;
    });
  prepared.catch((error: unknown) => emit({ type: 'failed', error: serializeError(error) }));

  return (command) => {
    if (command.type === 'stop') {
      if (shard) shard.stop(command.reason);
      else pendingStop = command;
      return;
    }
    prepared.then(
      (ready) =>
        ready.run(command.startEpochMs, (snapshot) => emit({ type: 'second', snapshot })).then(
          (snapshot) => emit({ type: 'final', snapshot }),
          (error: unknown) => emit({ type: 'failed', error: serializeError(error) }),
        ),
      () => undefined, // already reported as `failed`
    );
  };
}

export function serializeError(error: unknown): SerializedError {
  if (isStressError(error)) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof Error) return { code: 'INTERNAL', message: error.stack ?? error.message };
  return { code: 'INTERNAL', message: String(error) };
}
