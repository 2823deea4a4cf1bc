import { parentPort, workerData } from 'node:worker_threads';
import { importLoadFactories } from './load-factories.ts';
import { hostShard } from './shard-host.ts';
import type { ShardCommand } from './shard-snapshot.ts';
import type { ShardSpec } from './shard-spec.ts';

// Entry point of a load worker thread (started by shard-handle.ts, which registers tsx's loader first): one
// shard, driven by messages. The spec is plain JSON, so the worker builds its own clients,
// inputs and checks from the factories module it names.
const spec = (workerData as { spec: ShardSpec }).spec;
const port = parentPort!;
const handle = hostShard(spec, () => importLoadFactories(spec.factoriesModule), (event) => port.postMessage(event));
port.on('message', (command: ShardCommand) => handle(command));
