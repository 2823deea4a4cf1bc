import { Worker } from 'node:worker_threads';
import { isCompiledModule, siblingModuleUrl } from '../sibling-module-url.ts';
import { tsxApiUrl } from '../tsx-api-url.ts';
import { StressError, type StressErrorCode } from '../errors.ts';
import { importLoadFactories, type LoadFactories } from './load-factories.ts';
import { hostShard, serializeError } from './shard-host.ts';
import type { SecondSnapshot, SerializedError, ShardCommand, ShardEvent, ShardSnapshot } from './shard-snapshot.ts';
import type { ShardSpec } from './shard-spec.ts';

/** The main thread's side of one shard, wherever it runs. */
export interface ShardHandle {
  /** Clients connected; rejects with the shard's StressError. */
  readonly ready: Promise<void>;
  readonly final: Promise<ShardSnapshot>;
  send(command: ShardCommand): void;
  dispose(): Promise<void>;
}

export interface ShardStart {
  inWorker: boolean;
  /** In-process only: factories that replace the module's (functions cannot reach a worker). */
  overrides?: Partial<LoadFactories>;
  onSecond(snapshot: SecondSnapshot): void;
}

export function startShard(spec: ShardSpec, start: ShardStart): ShardHandle {
  const sink = createEventSink(start.onSecond);
  if (!start.inWorker) {
    const loadFactories = async (): Promise<LoadFactories> => ({
      ...(await importLoadFactories(spec.factoriesModule)),
      ...start.overrides,
    });
    const handle = hostShard(spec, loadFactories, sink.handle);
    return { ready: sink.ready, final: sink.final, send: handle, dispose: async () => undefined };
  }
  const worker = new Worker(workerBootstrap, {
    eval: true,
    workerData: {
      spec,
      tsxApi: isCompiledModule(import.meta.url) ? undefined : tsxApiUrl(),
      entry: siblingModuleUrl('./load-worker.ts', import.meta.url),
    },
  });
  worker.on('message', sink.handle);
  worker.on('error', (error) => sink.handle({ type: 'failed', error: serializeError(error) }));
  worker.on('exit', (code) => sink.handle({ type: 'failed', error: { code: 'INTERNAL', message: `load worker ${spec.shardIndex} exited (code ${code}) before its final report` } }));
  return {
    ready: sink.ready,
    final: sink.final,
    send: (command) => worker.postMessage(command),
    dispose: async () => {
      await worker.terminate();
    },
  };
}

/**
 * From the sources, workers register tsx's loader before importing the entry.
 * `execArgv: ['--import', 'tsx']` is not enough on Node 20: loader hooks given that way do
 * not apply to a worker's own entry module (ERR_UNKNOWN_FILE_EXTENSION), while `register()`
 * called inside the worker does — under Vitest and under plain tsx alike. tsx is resolved
 * from this file, so the cwd does not matter. The compiled package's worker imports its
 * JavaScript entry as it is (user helpers in TypeScript load through tsImport, see
 * load-helper-module.ts).
 */
const workerBootstrap = `
const { workerData } = require('node:worker_threads');
const registered = workerData.tsxApi ? import(workerData.tsxApi).then(({ register }) => register()) : Promise.resolve();
registered.then(() => import(workerData.entry));
`;

function createEventSink(onSecond: (snapshot: SecondSnapshot) => void) {
  let settled = false;
  let resolveReady!: () => void;
  let rejectReady!: (error: StressError) => void;
  let resolveFinal!: (snapshot: ShardSnapshot) => void;
  let rejectFinal!: (error: StressError) => void;
  const ready = new Promise<void>((resolve, reject) => ((resolveReady = resolve), (rejectReady = reject)));
  const final = new Promise<ShardSnapshot>((resolve, reject) => ((resolveFinal = resolve), (rejectFinal = reject)));
  // The caller may stop listening after the first failure; the other rejection is expected.
  ready.catch(() => undefined);
  final.catch(() => undefined);
  const handle = (event: ShardEvent): void => {
    if (settled) return;
    switch (event.type) {
      case 'ready':
        resolveReady();
        return;
      case 'second':
        onSecond(event.snapshot);
        return;
      case 'final':
        settled = true;
        resolveFinal(event.snapshot);
        return;
      case 'failed': {
        settled = true;
        const error = deserializeError(event.error);
        rejectReady(error);
        rejectFinal(error);
        return;
      }
    }
  };
  return { ready, final, handle };
}

function deserializeError(error: SerializedError): StressError {
  return new StressError(error.code as StressErrorCode, error.message, error.hint ? { hint: error.hint } : {});
}
