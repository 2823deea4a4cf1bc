import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createAgent } from '../../src/agent/create-agent.ts';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';

// The same real Flow (encoder x2 -> indexer x2 shards, configs/jina-e2e/flows/index.yml, started
// by our agent's process runtime) loaded in turn by Jina's own Python client (`--clients`
// processes, `Client(protocol=...).post`, streaming, prefetch 1) and by ours (src/load runLoad,
// `--clients` closed-model clients, prefetch 1), same documents, request size and duration,
// alternating within one run. Client CPU is each client process's own CPU over the phase.
// Usage: npx tsx bench/vs-jina-client/vs-jina-client.ts [--docarray v2] [--protocol grpc]
//        [--clients 4] [--request-size 100] [--seconds 8] [--rounds 2] [--profile-ours DIR]

const { values } = parseArgs({
  options: {
    docarray: { type: 'string', default: 'v2' },
    protocol: { type: 'string', default: 'grpc' },
    clients: { type: 'string', default: '4' },
    'request-size': { type: 'string', default: '100' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    /** Write a V8 CPU profile of our client process per phase into this folder. */
    'profile-ours': { type: 'string' },
  },
});
const repoRoot = resolve(import.meta.dirname, '../..');
const docarray = values.docarray as 'v1' | 'v2';
const protocol = values.protocol as 'grpc' | 'http' | 'websocket';
const clients = Number(values.clients);
const requestSize = Number(values['request-size']);
const seconds = Number(values.seconds);
const venvBin = join(process.env.JINA_ENVS_DIR || join(repoRoot, '.jina-envs'), docarray, 'bin');
if (!existsSync(join(venvBin, 'jina'))) throw new Error(`${venvBin}/jina not found: run bash scripts/setup-jina.sh ${docarray}`);

interface PhaseResult {
  variant: string;
  docs: number;
  requests: number;
  errors: number;
  wallS: number;
  cpuS: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], share: number): number => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN;

/** `clients` Python processes of jina_client_load.py, started together once all warmed up. */
async function runJinaClients(port: number, docsFile: string, touchDocs: boolean, stream = true): Promise<PhaseResult> {
  const children = Array.from({ length: clients }, (_, index) =>
    spawn(
      join(venvBin, 'python'),
      [join(import.meta.dirname, 'jina_client_load.py'), '--port', String(port), '--protocol', protocol, '--docs', docsFile,
        '--offset', String(index * requestSize), '--request-size', String(requestSize), '--seconds', String(seconds),
        '--touch-docs', touchDocs ? '1' : '0', '--stream', stream ? '1' : '0'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    ),
  );
  const outputs = children.map((child) => {
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolveReady) => lines.once('line', () => resolveReady()));
    const result = new Promise<string>((resolveResult) => lines.on('line', (line) => line.startsWith('{') && resolveResult(line)));
    return { ready, result };
  });
  await Promise.all(outputs.map((output) => output.ready));
  for (const child of children) child.stdin!.write('go\n');
  const runs = (await Promise.all(outputs.map((output) => output.result))).map(
    (line) => JSON.parse(line) as { requests: number; docs: number; errors: number; wallS: number; cpuS: number; latenciesMs: number[] },
  );
  const latencies = runs.flatMap((run) => run.latenciesMs).sort((a, b) => a - b);
  return {
    variant: `jina Client, ${stream ? 'stream' : 'unary'}, ${touchDocs ? 'reads docs' : 'docs unread'}`,
    docs: runs.reduce((sum, run) => sum + run.docs, 0),
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    wallS: Math.max(...runs.map((run) => run.wallS)),
    cpuS: runs.reduce((sum, run) => sum + run.cpuS, 0),
    // Streamed requests queue inside the client's stream (see jina_client_load.py): no round trip to report.
    p50Ms: stream ? NaN : percentile(latencies, 0.5),
    p99Ms: stream ? NaN : percentile(latencies, 0.99),
  };
}

async function runOurs(port: number, docsFile: string, check: boolean): Promise<PhaseResult> {
  const child = spawn(
    process.execPath,
    [...(values['profile-ours'] ? ['--cpu-prof', '--cpu-prof-dir', values['profile-ours']] : []), '--import', 'tsx', join(import.meta.dirname, 'our-client-load.ts'), '--port', String(port), '--protocol', protocol,
      '--docarray', docarray, '--docs', docsFile, '--clients', String(clients), '--request-size', String(requestSize),
      '--seconds', String(seconds), ...(check ? ['--check'] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolveLine) => createInterface({ input: child.stdout }).on('line', (text) => text.startsWith('{') && resolveLine(text)));
  const run = JSON.parse(line) as Omit<PhaseResult, 'variant'> & { workers: number; violations: number };
  if (run.violations > 0) throw new Error(`validate_texts found ${run.violations} violations`);
  return { variant: `ours, ${check ? 'validate_texts (docs decoded)' : 'no check (docs undecoded)'}`, ...run };
}

async function writeDocs(dir: string): Promise<string> {
  // ~300 characters of text and one tag each, like random_texts; the same file for both sides.
  const words = 'the quick brown fox jumps over the lazy dog while a stress test measures every request it sends'.split(' ');
  const lines = Array.from({ length: 1000 }, (_, index) => {
    const text = Array.from({ length: 55 }, (_, word) => words[(index * 7 + word * 3) % words.length]).join(' ');
    return JSON.stringify({ id: `doc-${index}`, text: `${index}: ${text}`, tags: { filename: `file ${index}` } });
  });
  const file = join(dir, 'docs.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

const dir = await mkdtemp(join(tmpdir(), 'vs-jina-client-'));
const agent = createAgent({ port: 0, runtime: 'process', jinaBin: join(venvBin, 'jina'), log: (line) => console.error(`[agent] ${line}`) });
const { host, port: agentPort } = await agent.listen();
try {
  const daemon = createDaemonClient({ host, port: agentPort });
  const executors = ['encoder', 'indexer'].map((name) => ({ path: join(repoRoot, 'fixtures/executors', docarray, `${name}.py`), name: `${name}.py` }));
  const workspace = await daemon.createWorkspace(executors);
  const flowId = await daemon.startFlow({ path: join(repoRoot, 'configs/jina-e2e/flows/index.yml'), name: 'index.yml' }, workspace, {
    environment: { JINA_PROTOCOL: protocol, JINA_WORKSPACE: 'index-data' },
    timeoutReadyS: 120,
  });
  const flow = await daemon.getFlow(flowId);
  const port = flow.gateway!.port;
  console.error(`flow ready in ${flow.timeToReadyS?.toFixed(1)} s on ${protocol}:${port} (docarray ${docarray})`);
  const docsFile = await writeDocs(dir);
  const results: PhaseResult[] = [];
  const phases = [
    () => runJinaClients(port, docsFile, true),
    () => runOurs(port, docsFile, true),
    () => runJinaClients(port, docsFile, false),
    () => runOurs(port, docsFile, false),
    () => runJinaClients(port, docsFile, true, false),
  ];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const phase of phases) {
      const result = await phase();
      results.push(result);
      console.error(`round ${round + 1}: ${result.variant}: ${(result.docs / result.wallS).toFixed(0)} docs/s, ${((result.cpuS * 1e6) / result.docs).toFixed(1)} ms CPU / 1000 docs`);
    }
  }
  console.log(`\n${docarray} ${protocol}, ${clients} clients, request_size ${requestSize}, ${seconds} s per phase\n`);
  console.log('| round | client | docs/s | p50 (ms) | p99 (ms) | client CPU (ms) per 1,000 docs | errors |');
  console.log('|---:|:---|---:|---:|---:|---:|---:|');
  results.forEach((result, index) => {
    const round = Math.floor(index / phases.length) + 1;
    const cpuPerThousand = (result.cpuS * 1e6) / result.docs;
    const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));
    console.log(`| ${round} | ${result.variant} | ${(result.docs / result.wallS).toFixed(0)} | ${ms(result.p50Ms)} | ${ms(result.p99Ms)} | ${cpuPerThousand.toFixed(1)} | ${result.errors} |`);
  });
  await daemon.terminateFlow(flowId);
  await daemon.deleteWorkspace(workspace);
} finally {
  await agent.close();
  await rm(dir, { recursive: true, force: true });
}
