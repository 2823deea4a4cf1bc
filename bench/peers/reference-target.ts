import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startReferenceFlow } from '../../src/reference-runtime/start-reference-flow.ts';

// The HTTP / WebSocket target of bench/peers: the reference runtime's gateway (the one a
// default run loads) with a single pass-through executor, docarray v1, in a process of its own
// (pinned to its own core by peers.ts). Prints {"port": n} when listening; SIGTERM stops it.
// With --flow, that Flow file instead (bench/peers/default-job.ts: the default job's Flow).
// Usage: npx tsx bench/peers/reference-target.ts --protocol http|websocket | --flow FILE

const { values } = parseArgs({ options: { protocol: { type: 'string', default: 'http' }, flow: { type: 'string' } } });
const workdir = mkdtempSync(join(tmpdir(), 'peers-target-'));
const flow = await startReferenceFlow(
  values.flow
    ? { flowYaml: readFileSync(values.flow, 'utf8'), flowPath: values.flow, workdir }
    : { flowYaml: `jtype: Flow\nwith: {protocol: ${values.protocol}, docarray: v1}\nexecutors:\n  - name: pass\n    uses: PassThrough\n`, workdir },
);
process.stdout.write(`${JSON.stringify({ port: flow.gateways[0]!.port })}\n`);
const stop = (): void => {
  void flow.stop().finally(() => {
    rmSync(workdir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
