import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `npm run bench`: lists the benchmarks with their default arguments.
// `npm run bench -- <name> [args…]` runs one (args after the name go to the bench, after its
// defaults, so a repeated flag overrides). `--smoke` instead of the defaults runs it briefly:
// to check it still works (a smoke run's numbers mean nothing). Results and how to read them:
// docs/benchmarks.md.

interface Bench {
  /** What it measures, one line. */
  summary: string;
  /** The command after `node --import tsx` (a script) or a full command (`npx …`). */
  script?: string;
  command?: string[];
  defaults: string[];
  /** Arguments for a short run; absent when a bench cannot run briefly or needs more than npm packages. */
  smoke?: string[];
  /** What it needs beyond `npm ci`. */
  needs?: string;
}

const benches = {
  peers: {
    summary: 'ours beside ghz, autocannon, bare grpc-js and bare ws on the same target, one generator core (ratios)',
    script: 'bench/peers/peers.ts',
    defaults: ['--seconds', '5', '--rounds', '3'],
    smoke: ['--seconds', '0.5', '--rounds', '1', '--only', 'http,websocket'],
    needs: 'the Go toolchain for the gRPC scenarios (ghz and the echo target are built from the Go module proxy)',
  },
  'default-job': {
    summary: "where the default job's round trip goes: client and target CPU per request, reference Flow vs Go echo",
    script: 'bench/peers/default-job.ts',
    defaults: ['--seconds', '5', '--rounds', '2'],
    needs: 'the Go toolchain (the echo target is built from the Go module proxy)',
  },
  'generator-efficiency': {
    summary: 'the whole load pipeline against a bare grpc-js stream client, same echo server',
    script: 'bench/load/generator-efficiency.ts',
    defaults: ['--seconds', '5', '--rounds', '3', '--sizes', '1,100', '--connections', 'own'],
    smoke: ['--seconds', '0.5', '--rounds', '1', '--sizes', '1'],
  },
  'client-costs': {
    summary: 'CPU of encoding and decoding one request, each way the client can',
    script: 'bench/load/client-costs.ts',
    defaults: [],
    smoke: [],
  },
  'record-cost': {
    summary: 'CPU of recording one sample in the HDR histograms',
    script: 'bench/load/record-cost.ts',
    defaults: ['--samples', '2000000'],
    smoke: ['--samples', '20000'],
  },
  'memory-flat': {
    summary: 'RSS and heap over a long closed-model phase at full speed',
    script: 'bench/load/memory-flat.ts',
    defaults: ['--seconds', '300', '--early', '60', '--every', '30'],
    smoke: ['--seconds', '2', '--early', '1', '--every', '1'],
  },
  startup: {
    summary: '`npx vitest run` on the default config → first step, first request, and the wall time beyond the phases',
    script: 'bench/startup/startup-time.ts',
    defaults: ['--runs', '3'],
  },
  codec: {
    summary: 'encode/decode of a 100-document DataRequest (vitest bench)',
    command: ['npx', 'vitest', 'bench', '--config', 'vitest.tests.config.ts', '--run', 'bench/protocol'],
    defaults: [],
  },
  'vs-jina-client': {
    summary: "ours beside Jina's Python client on the same real Flow",
    script: 'bench/vs-jina-client/vs-jina-client.ts',
    defaults: ['--docarray', 'v2', '--seconds', '8', '--rounds', '2'],
    needs: 'real Jina in .jina-envs (scripts/setup-jina.sh)',
  },
} satisfies Record<string, Bench>;

type BenchName = keyof typeof benches;
const root = fileURLToPath(new URL('..', import.meta.url));
const [name, ...rest] = process.argv.slice(2);

if (name === undefined || name === '--list' || name === '--help') {
  console.log('Benchmarks (npm run bench -- <name> [args]; --smoke for a short check run):\n');
  for (const [benchName, bench] of Object.entries(benches) as Array<[BenchName, Bench]>) {
    console.log(`  ${benchName.padEnd(22)}${bench.summary}`);
    console.log(`  ${''.padEnd(22)}${commandOf(bench, bench.defaults).join(' ')}${bench.needs ? `\n  ${''.padEnd(22)}needs ${bench.needs}` : ''}`);
  }
  console.log('\nResults and how to read them: docs/benchmarks.md');
  process.exit(0);
}
if (!Object.hasOwn(benches, name)) {
  console.error(`unknown bench "${name}"; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const bench: Bench = benches[name as BenchName];
const isSmoke = rest.includes('--smoke');
if (isSmoke && !bench.smoke) {
  console.error(`bench "${name}" has no smoke run${bench.needs ? ` (needs ${bench.needs})` : ''}`);
  process.exit(2);
}
const args = [...(isSmoke ? bench.smoke! : bench.defaults), ...rest.filter((arg) => arg !== '--smoke')];
console.error(`$ ${commandOf(bench, args).join(' ')}`);
// Scripts run in this Node with tsx's loader (as `npx tsx` would, without a second npx).
const [command, ...commandArgs] = bench.script ? [process.execPath, '--import', 'tsx', bench.script, ...args] : commandOf(bench, args);
const child = spawn(command!, commandArgs, { cwd: root, stdio: 'inherit' });
const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

function commandOf(bench: Bench, args: string[]): string[] {
  return bench.script ? ['npx', 'tsx', bench.script, ...args] : [...bench.command!, ...args];
}
