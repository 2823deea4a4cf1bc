import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodePostRequest } from '../../src/gateway/post-request-encoding.ts';
import { randomImages } from '../../src/inputs/random-images.ts';
import type { GeneratorRun } from './generator-run.ts';
import { preparePeers } from './prepare-peers.ts';

// Where the default job's round trip goes (configs/local.yaml's index step: random_images,
// 150 KB a document, 10 per request, 4 clients, validate_images on every answer, docarray v2,
// the reference Flow encoder ×2 → indexer ×2 shards over gRPC). Each variant runs alone, the
// generator on core 0 and the target on core 1; besides the generator's CPU per request, the
// target process's own CPU per request is read from /proc/<pid>/stat, so the round trip can
// be split into client, gateway + executors, and waiting.
// Usage: npx tsx bench/peers/default-job.ts [--seconds 5] [--rounds 2]

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '2' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const flowFile = fileURLToPath(new URL('../../fixtures/flows/reference/index-grpc.yml', import.meta.url));
const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
const pinned = (core: string, command: string, args: string[]): [string, string[]] => (canPin ? ['taskset', ['-c', core, command, ...args]] : [command, args]);
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;

const peers = await preparePeers((line) => console.error(line));
const workdir = mkdtempSync(join(tmpdir(), 'bench-default-job-'));
const images = await randomImages({ num_docs: 50 }, { baseDir: '', helpersDir: '', clientIndex: 0 });
const payload = join(workdir, 'images-10-v2.bin');
writeFileSync(payload, encodePostRequest({ endpoint: '/index', docs: images.take(10) }, 'f'.repeat(32), 'v2'));
const ours = (port: number, check: boolean): string[] => [
  '--import',
  'tsx',
  here('our-load.ts'),
  '--port',
  String(port),
  '--docarray',
  'v2',
  '--clients',
  '4',
  '--request-size',
  '10',
  '--input',
  'random_images',
  '--num-docs',
  '50',
  '--seconds',
  String(seconds),
  ...(check ? ['--check', 'validate_images'] : []),
];

interface Variant {
  label: string;
  target: 'flow' | 'echo';
  args(port: number): string[];
}
const variants: Variant[] = [
  { label: 'ours, validate_images (the default job)', target: 'flow', args: (port) => ours(port, true) },
  { label: 'ours, no check (answers not decoded)', target: 'flow', args: (port) => ours(port, false) },
  { label: 'ours, no check, Go echo target', target: 'echo', args: (port) => ours(port, false) },
  {
    label: 'bare grpc-js, Go echo target',
    target: 'echo',
    args: (port) => ['--import', 'tsx', here('bare-grpc-load.ts'), '--port', String(port), '--payload', payload, '--clients', '4', '--seconds', String(seconds)],
  },
];

interface Row {
  label: string;
  run: GeneratorRun;
  targetCpuS: number;
}
const rows: Row[] = [];
const loadBefore = loadavg()[0]!;
try {
  for (const kind of ['flow', 'echo'] as const) {
    const [command, args] =
      kind === 'flow'
        ? pinned('1', process.execPath, ['--import', 'tsx', here('reference-target.ts'), '--flow', flowFile])
        : pinned('1', peers.echoTarget, []);
    const target = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => createInterface({ input: target.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port)));
    try {
      for (let round = 0; round < rounds; round++) {
        for (const variant of variants.filter((candidate) => candidate.target === kind)) {
          const before = cpuTicks(target.pid!);
          const run = await runGenerator(variant.args(port));
          rows.push({ label: variant.label, run, targetCpuS: (cpuTicks(target.pid!) - before) / ticksPerSecond });
          console.error(`${variant.label}: ${(run.requests / run.wallS).toFixed(1)} req/s, p50 ${run.p50Ms.toFixed(1)} ms`);
        }
      }
    } finally {
      await new Promise<void>((resolve) => {
        target.once('exit', () => resolve());
        target.kill('SIGTERM');
      });
    }
  }
} finally {
  rmSync(workdir, { recursive: true, force: true });
}

console.log('| variant | req/s | p50 ms | p99 ms | client CPU ms / request | target CPU ms / request | target busy | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const { label, run, targetCpuS } of rows) {
  console.log(
    `| ${label} | ${(run.requests / run.wallS).toFixed(1)} | ${run.p50Ms.toFixed(1)} | ${run.p99Ms.toFixed(1)} | ${((run.cpuS * 1000) / run.requests).toFixed(2)} | ` +
      `${((targetCpuS * 1000) / run.requests).toFixed(2)} | ${((targetCpuS / run.wallS) * 100).toFixed(0)}% | ${run.errors + (run.violations ?? 0)} |`,
  );
}
console.log(
  `\n${rounds} round(s) of ${seconds} s per variant; 4 clients, 10 random_images (~150 KB each) per request, docarray v2; ` +
    `${canPin ? 'generator on core 0, target on core 1' : 'not pinned'}; target CPU includes the generator's start-up time idle; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after.`,
);

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function runGenerator(args: string[]): Promise<GeneratorRun> {
  const [command, pinnedArgs] = pinned('0', process.execPath, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, pinnedArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`generator exited with ${code}: ${output.slice(-500)}`));
      else resolve(JSON.parse(last) as GeneratorRun);
    });
  });
}
