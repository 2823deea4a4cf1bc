import { startReferenceFlow } from '../../../src/reference-runtime/start-reference-flow.ts';

// Child-process entry: serves the Flow YAML in $FLOW_YAML from the workdir $FLOW_WORKDIR with
// the reference runtime and prints `{"port": n, "docarray": ...}`. A separate process, so a
// test can stall the whole target (SIGSTOP/SIGCONT) or kill it, and the target's CPU stays
// out of the generator's measurements. The parent ends it with SIGKILL: nothing to persist.
const running = await startReferenceFlow({ flowYaml: process.env.FLOW_YAML ?? '', workdir: process.env.FLOW_WORKDIR ?? '.' });
process.stdout.write(`${JSON.stringify({ port: running.gateways[0]!.port, docarray: running.docarray })}\n`);
