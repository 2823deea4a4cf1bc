// Entry of the child process the main process runs, and waits for, when a run is forced down
// (stop-run-on-interrupt.ts): the main process cannot await HTTP calls in a signal handler
// that must end the process, so it runs this synchronously. Daemon addresses (tokens included)
// arrive on stdin, never in argv or the environment (both readable in /proc).
import { text } from 'node:stream/consumers';
import { describeRemovals, removeLeftovers, type RunLeftovers } from './remove-leftovers.ts';

const leftovers = JSON.parse(await text(process.stdin)) as RunLeftovers;
const lines = describeRemovals(await removeLeftovers(leftovers, 5000));
for (const line of lines) process.stderr.write(`jina-stress: ${line}\n`);
