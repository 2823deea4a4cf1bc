import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { httpPost } from '../../src/gateway/http-request-body.ts';
import { encodePostRequest } from '../../src/gateway/post-request-encoding.ts';
import { randomImages } from '../../src/inputs/random-images.ts';
import { randomTexts } from '../../src/inputs/random-texts.ts';
import type { GeneratorRun } from './generator-run.ts';
import { preparePeers, type Peers } from './prepare-peers.ts';

// jina-stress beside the tools users would pick instead, on the same target, one generator
// core: ghz (gRPC unary), a bare grpc-js stream client, autocannon (HTTP), a bare `ws` client,
// and a bare grpc-js client for 150 KB image documents. Targets: a Go gRPC echo server (built
// here) and the reference runtime's HTTP / WebSocket gateway with a pass-through executor.
// With two cores or more, the target runs on core 1 and every generator on core 0
// (`taskset`). Rounds alternate peer and ours; the table gives ours / peer per round.
// Usage: npx tsx bench/peers/peers.ts [--seconds 5] [--rounds 3] [--only unary-1,http,…]
//        [--clients 16]

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const sourceProtoDir = fileURLToPath(new URL('../../src/protocol/proto/', import.meta.url));

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    clients: { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const clients = Number(values.clients);

type TargetKind = 'echo' | 'http' | 'websocket';

interface Scenario {
  name: string;
  peer: string;
  target: TargetKind;
  /** What "rate" means in the table: requests, or request bytes (images). */
  rate: 'requests' | 'bytes';
  runPeer(context: RoundContext): Promise<GeneratorRun>;
  runOurs(context: RoundContext): Promise<GeneratorRun>;
}

interface RoundContext {
  port: number;
  peers: Peers;
}

const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
const generatorCore = '0';
const targetCore = '1';
const pinned = (core: string, command: string, args: string[]): [string, string[]] => (canPin ? ['taskset', ['-c', core, command, ...args]] : [command, args]);
const tsxArgs = (file: string, args: string[]): string[] => ['--import', 'tsx', here(file), ...args];

const workdir = mkdtempSync(join(tmpdir(), 'bench-peers-'));
const textInput = await randomTexts({ num_docs: 1000 }, { baseDir: '', helpersDir: '', clientIndex: 0 });
const imageInput = await randomImages({ num_docs: 50 }, { baseDir: '', helpersDir: '', clientIndex: 0 });
const requestId = 'f'.repeat(32);

// ghz 0.93's proto parser predates proto3 `optional` (it refuses jina-common.proto). The label
// only tracks presence; the wire format is the same without it, so ghz gets a copy without.
const protoDir = join(workdir, 'proto');
mkdirSync(protoDir);
for (const file of readdirSync(sourceProtoDir)) {
  writeFileSync(join(protoDir, file), readFileSync(join(sourceProtoDir, file), 'utf8').replace(/^(\s*)optional /gm, '$1'));
}

/** The bytes one request of `size` documents takes on the wire (docarray v1), written to a file for a peer. */
function payloadFile(name: string, docs: ReturnType<typeof textInput.take>): { path: string; length: number } {
  const bytes = encodePostRequest({ endpoint: '/index', docs }, requestId, 'v1');
  const path = join(workdir, `${name}.bin`);
  writeFileSync(path, bytes);
  return { path, length: bytes.length };
}

const payloads = {
  text1: payloadFile('text-1', textInput.take(1)),
  text100: payloadFile('text-100', textInput.take(100)),
  images: payloadFile('images-10', imageInput.take(10)),
};
const httpBody = join(workdir, 'http-1.json');
writeFileSync(httpBody, httpPost({ endpoint: '/index', docs: textInput.take(1) }, requestId, 'v1').body);

function ours(args: Record<string, string | number>): (context: RoundContext) => Promise<GeneratorRun> {
  return ({ port }) =>
    runGenerator('node', tsxArgs('our-load.ts', ['--port', String(port), '--seconds', String(seconds), ...Object.entries(args).flatMap(([key, value]) => [`--${key}`, String(value)])]));
}

function bare(file: string, payload: string, clientCount: number): (context: RoundContext) => Promise<GeneratorRun> {
  return ({ port }) =>
    runGenerator('node', tsxArgs(file, ['--port', String(port), '--payload', payload, '--clients', String(clientCount), '--seconds', String(seconds)]));
}

function ghz(payload: { path: string; length: number }): (context: RoundContext) => Promise<GeneratorRun> {
  return ({ port, peers }) => runGhz(peers.ghz, port, payload);
}

const scenarios: Scenario[] = [
  {
    name: 'unary-1',
    peer: 'ghz',
    target: 'echo',
    rate: 'requests',
    runPeer: ghz(payloads.text1),
    runOurs: ours({ 'grpc-mode': 'unary', clients, 'request-size': 1, 'request-bytes': payloads.text1.length }),
  },
  {
    name: 'unary-100',
    peer: 'ghz',
    target: 'echo',
    rate: 'requests',
    runPeer: ghz(payloads.text100),
    runOurs: ours({ 'grpc-mode': 'unary', clients, 'request-size': 100, 'request-bytes': payloads.text100.length }),
  },
  {
    // Not a peer users pick: the bound for any gRPC unary client on node:http2, ours included.
    name: 'unary-node',
    peer: 'bare node:http2',
    target: 'echo',
    rate: 'requests',
    runPeer: bare('bare-http2-unary-load.ts', payloads.text1.path, clients),
    runOurs: ours({ 'grpc-mode': 'unary', clients, 'request-size': 1, 'request-bytes': payloads.text1.length }),
  },
  {
    // Not a peer users pick: a unary client on a raw socket that writes HTTP/2 frames itself and
    // does nothing else (bare-raw-h2-unary-load.ts) — the bound for ours now that it left
    // node:http2 (docs/benchmarks.md, "Round 4").
    name: 'unary-raw',
    peer: 'bare raw HTTP/2',
    target: 'echo',
    rate: 'requests',
    runPeer: bare('bare-raw-h2-unary-load.ts', payloads.text1.path, clients),
    runOurs: ours({ 'grpc-mode': 'unary', clients, 'request-size': 1, 'request-bytes': payloads.text1.length }),
  },
  {
    name: 'stream-1',
    peer: 'bare grpc-js',
    target: 'echo',
    rate: 'requests',
    runPeer: bare('bare-grpc-load.ts', payloads.text1.path, clients),
    runOurs: ours({ 'grpc-mode': 'stream', clients, 'request-size': 1, 'request-bytes': payloads.text1.length }),
  },
  {
    name: 'stream-100',
    peer: 'bare grpc-js',
    target: 'echo',
    rate: 'requests',
    runPeer: bare('bare-grpc-load.ts', payloads.text100.path, clients),
    runOurs: ours({ 'grpc-mode': 'stream', clients, 'request-size': 100, 'request-bytes': payloads.text100.length }),
  },
  {
    name: 'http',
    peer: 'autocannon',
    target: 'http',
    rate: 'requests',
    runPeer: ({ port }) =>
      runGenerator('node', tsxArgs('autocannon-load.ts', ['--port', String(port), '--body', httpBody, '--clients', String(clients), '--seconds', String(seconds)])),
    runOurs: ours({ protocol: 'http', clients, 'request-size': 1 }),
  },
  {
    // Not a peer users pick: the bound for any client on node:http, ours included.
    name: 'http-node',
    peer: 'bare node:http',
    target: 'http',
    rate: 'requests',
    runPeer: ({ port }) =>
      runGenerator('node', tsxArgs('bare-http-load.ts', ['--port', String(port), '--body', httpBody, '--clients', String(clients), '--seconds', String(seconds)])),
    runOurs: ours({ protocol: 'http', clients, 'request-size': 1 }),
  },
  {
    name: 'websocket',
    peer: 'bare ws',
    target: 'websocket',
    rate: 'requests',
    runPeer: bare('bare-websocket-load.ts', payloads.text1.path, clients),
    runOurs: ours({ protocol: 'websocket', clients, 'request-size': 1, 'request-bytes': payloads.text1.length }),
  },
  {
    // The default job's shape: random_images (224×224×3 uint8, ~150 KB a document), 10 per
    // request, 4 clients.
    name: 'images',
    peer: 'bare grpc-js',
    target: 'echo',
    rate: 'bytes',
    runPeer: bare('bare-grpc-load.ts', payloads.images.path, 4),
    runOurs: ours({ 'grpc-mode': 'stream', clients: 4, 'request-size': 10, input: 'random_images', 'num-docs': 50, 'request-bytes': payloads.images.length }),
  },
];

const selected = values.only ? values.only.split(',').map((name) => name.trim()) : scenarios.map((scenario) => scenario.name);
const unknown = selected.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((scenario) => scenario.name).join(', ')}`);

interface Outcome {
  scenario: Scenario;
  peer: GeneratorRun[];
  ours: GeneratorRun[];
}

const loadBefore = loadavg();
const outcomes: Outcome[] = [];
const needsGo = scenarios.some((scenario) => selected.includes(scenario.name) && scenario.target === 'echo');
const peers = needsGo ? await preparePeers((line) => console.error(line)) : { ghz: '', echoTarget: '' };
try {
  for (const scenario of scenarios.filter((candidate) => selected.includes(candidate.name))) {
    const target = await startTarget(scenario.target, peers);
    try {
      const context: RoundContext = { port: target.port, peers };
      const outcome: Outcome = { scenario, peer: [], ours: [] };
      for (let round = 0; round < rounds; round++) {
        // Alternate who goes first, so a drift in the machine's load favours neither side.
        const order = round % 2 === 0 ? (['peer', 'ours'] as const) : (['ours', 'peer'] as const);
        for (const side of order) {
          const run = side === 'peer' ? await scenario.runPeer(context) : await scenario.runOurs(context);
          outcome[side].push(run);
        }
        console.error(`${scenario.name} round ${round + 1}: ${scenario.peer} ${describe(outcome.peer.at(-1)!, scenario)} · ours ${describe(outcome.ours.at(-1)!, scenario)}`);
      }
      outcomes.push(outcome);
    } finally {
      await target.stop();
    }
  }
} finally {
  rmSync(workdir, { recursive: true, force: true });
}
const loadAfter = loadavg();

printTables(outcomes);
console.log(
  `\n${rounds} alternating round(s) of ${seconds} s, ${clients} clients (images: 4), one request in flight each, docarray v1; ` +
    `${canPin ? `generators on core ${generatorCore}, target on core ${targetCore}` : 'not pinned (one core or no taskset)'}; ` +
    `load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after.`,
);

function describe(run: GeneratorRun, scenario: Scenario): string {
  const rate = scenario.rate === 'bytes' ? `${(run.bytes / run.wallS / 1e6).toFixed(1)} MB/s` : `${(run.requests / run.wallS).toFixed(0)}/s`;
  return `${rate}, ${((run.cpuS * 1e6) / Math.max(1, run.requests)).toFixed(0)} µs CPU/req, p50 ${run.p50Ms.toFixed(2)} ms${run.errors ? `, ${run.errors} errors` : ''}`;
}

function printTables(results: Outcome[]): void {
  const perCore = (run: GeneratorRun, scenario: Scenario): number => (scenario.rate === 'bytes' ? run.bytes : run.requests) / Math.max(run.cpuS, 1e-9);
  // After each side's first second (GeneratorRun.steady; not for ghz): what a warm generator costs.
  const steadyPerCore = (run: GeneratorRun, scenario: Scenario): number =>
    run.steady ? ((scenario.rate === 'bytes' ? run.bytes / Math.max(1, run.requests) : 1) * run.steady.requests) / Math.max(run.steady.cpuS, 1e-9) : NaN;
  const wallRate = (run: GeneratorRun, scenario: Scenario): number => (scenario.rate === 'bytes' ? run.bytes : run.requests) / run.wallS;
  const cpuPerRequestUs = (run: GeneratorRun): number => (run.cpuS * 1e6) / Math.max(1, run.requests);
  const steadyCpuPerRequestUs = (run: GeneratorRun): number => (run.steady ? (run.steady.cpuS * 1e6) / Math.max(1, run.steady.requests) : NaN);
  const ratios = (outcome: Outcome, measure: (run: GeneratorRun) => number): number[] =>
    outcome.ours.map((run, round) => measure(run) / measure(outcome.peer[round]!));
  console.log('\nours / peer, per round (median, range) — higher is better for rates, lower for CPU and latency:\n');
  console.log('| scenario | peer | rate per generator core | the same after 1 s | rate (wall) | CPU per request | p50 | p99 | errors (peer / ours) |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const outcome of results) {
    const { scenario } = outcome;
    const errors = `${sum(outcome.peer.map((run) => run.errors))} / ${sum(outcome.ours.map((run) => run.errors))}`;
    console.log(
      `| ${scenario.name} | ${scenario.peer} | ${range(ratios(outcome, (run) => perCore(run, scenario)))} | ${range(ratios(outcome, (run) => steadyPerCore(run, scenario)))} | ` +
        `${range(ratios(outcome, (run) => wallRate(run, scenario)))} | ` +
        `${range(ratios(outcome, cpuPerRequestUs))} | ${range(ratios(outcome, (run) => run.p50Ms))} | ${range(ratios(outcome, (run) => run.p99Ms))} | ${errors} |`,
    );
  }
  console.log('\nabsolute values, ranges over rounds (rate: requests/s, images: MB/s of request bytes):\n');
  console.log('| scenario | side | rate (wall) | rate per CPU-second | CPU µs / request | the same after 1 s | p50 ms | p99 ms |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const outcome of results) {
    const { scenario } = outcome;
    const scale = scenario.rate === 'bytes' ? 1e-6 : 1;
    for (const [side, runs] of [[scenario.peer, outcome.peer], ['ours', outcome.ours]] as const) {
      console.log(
        `| ${scenario.name} | ${side} | ${span(runs.map((run) => wallRate(run, scenario) * scale), 0)} | ${span(runs.map((run) => perCore(run, scenario) * scale), 0)} | ` +
          `${span(runs.map(cpuPerRequestUs), 0)} | ${span(runs.map(steadyCpuPerRequestUs), 0)} | ${span(runs.map((run) => run.p50Ms), 2)} | ${span(runs.map((run) => run.p99Ms), 2)} |`,
      );
    }
  }
}

function sum(numbers: number[]): number {
  return numbers.reduce((total, value) => total + value, 0);
}

function range(numbers: number[]): string {
  if (numbers.some(Number.isNaN)) return '–';
  const sorted = [...numbers].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return sorted.length === 1 ? `${median.toFixed(2)}×` : `**${median.toFixed(2)}×** (${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)})`;
}

function span(numbers: number[], digits: number): string {
  if (numbers.some(Number.isNaN)) return '–';
  const sorted = [...numbers].sort((a, b) => a - b);
  const low = sorted[0]!.toFixed(digits);
  const high = sorted.at(-1)!.toFixed(digits);
  return low === high ? low : `${low}–${high}`;
}

interface RunningTarget {
  port: number;
  stop(): Promise<void>;
}

async function startTarget(kind: TargetKind, built: Peers): Promise<RunningTarget> {
  const [command, args] =
    kind === 'echo' ? pinned(targetCore, built.echoTarget, []) : pinned(targetCore, process.execPath, tsxArgs('reference-target.ts', ['--protocol', kind]));
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { port, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Runs a Node generator pinned to the generator core; its last stdout line is its GeneratorRun. */
function runGenerator(command: 'node', args: string[]): Promise<GeneratorRun> {
  const [pinnedCommand, pinnedArgs] = pinned(generatorCore, command === 'node' ? process.execPath : command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(pinnedCommand, pinnedArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`${args.join(' ')} exited with ${code}: ${output.slice(-500)}`));
      else resolve(JSON.parse(last) as GeneratorRun);
    });
  });
}

/**
 * ghz, pinned to the generator core, calling `process_single_data` with the same request
 * bytes (`--binary-file`, parsed with jina.proto as users would) on one connection per
 * concurrent worker (`--connections` = `-c`, as our clients have one each). Its CPU is read
 * from `/proc/<pid>/stat` while it runs (the last read before it exits): all of the process,
 * which for a Go binary adds a few milliseconds of start-up to the run.
 */
async function runGhz(ghzPath: string, port: number, payload: { path: string; length: number }): Promise<GeneratorRun> {
  const args = [
    '--insecure',
    '--proto',
    join(protoDir, 'jina-v1.proto'),
    '-i',
    protoDir,
    '--call',
    'jina.JinaSingleDataRequestRPC/process_single_data',
    '-B',
    payload.path,
    '-c',
    String(clients),
    '--connections',
    String(clients),
    '-z',
    `${Math.round(seconds * 1000)}ms`,
    // Calls still in flight at the end are neither counted nor failed (as our deadline cut-off).
    '--duration-stop',
    'ignore',
    '-t',
    '30s',
    '--format',
    'json',
    `127.0.0.1:${port}`,
  ];
  const [command, pinnedArgs] = pinned(generatorCore, ghzPath, args);
  const child = spawn(command, pinnedArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
  let lastTicks = 0;
  // taskset execs ghz in place, so the pid is ghz's own.
  const poll = setInterval(() => {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // After the command name: field 3 is state, so utime (14) and stime (15) are at 11 and 12.
      lastTicks = Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited between two reads: keep the last value
    }
  }, 20);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`ghz exited with ${code}: ${output.slice(-500)}`);
  const report = JSON.parse(output) as {
    count: number;
    total: number;
    latencyDistribution: Array<{ percentage: number; latency: number }> | null;
    errorDistribution?: Record<string, number>;
    statusCodeDistribution?: Record<string, number>;
  };
  const latency = (percentage: number): number => (report.latencyDistribution?.find((entry) => entry.percentage === percentage)?.latency ?? 0) / 1e6;
  const errors = Object.entries(report.statusCodeDistribution ?? {}).reduce((total, [status, count]) => total + (status === 'OK' ? 0 : count), 0);
  return {
    requests: report.count - errors,
    bytes: (report.count - errors) * payload.length,
    errors,
    wallS: report.total / 1e9,
    cpuS: lastTicks / ticksPerSecond,
    p50Ms: latency(50),
    p99Ms: latency(99),
  };
}
