import * as hdr from 'hdr-histogram-js';
import { parseArgs } from 'node:util';
import type { PostResult } from '../../src/gateway/gateway-client.ts';
import { initHistograms } from '../../src/load/histogram.ts';
import { LoadRecorder } from '../../src/load/load-recorder.ts';

// Cost of recording: ns per histogram sample for each hdr-histogram-js variant (why the
// engine uses wasm), and ns per request for the engine's whole LoadRecorder.record of an ok
// response with a gateway route and two executor routes (5 histogram samples + counters +
// per-second sums). CPU time of this thread, best of 5 rounds.
// Usage: npx tsx bench/load/record-cost.ts [--samples 2000000]

const { values } = parseArgs({ options: { samples: { type: 'string', default: '2000000' } } });
const samples = Number(values.samples);
await initHistograms();

// Latency-like values in µs: mostly 1-50 ms with a long tail, precomputed so the loop measures recording only.
const values64k = new Float64Array(1 << 16);
for (let i = 0; i < values64k.length; i++) values64k[i] = Math.round(1000 + 49_000 * Math.random() ** 3 + (i % 997 === 0 ? 2_000_000 : 0));

function bestNsPer(count: number, run: () => void): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    best = Math.min(best, ((used.user + used.system) * 1000) / count);
  }
  return best;
}

const rows: Array<[string, number]> = [];
for (const [name, request] of [
  ['wasm 32-bit (engine)', { bitBucketSize: 32, useWebAssembly: true }],
  ['js 32-bit', { bitBucketSize: 32 }],
  ['js packed', { bitBucketSize: 'packed' }],
  ['wasm packed', { bitBucketSize: 'packed', useWebAssembly: true }],
] as const) {
  const histogram = hdr.build({ ...request, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  rows.push([`histogram.recordValue, ${name}`, bestNsPer(samples, () => {
    for (let i = 0; i < samples; i++) histogram.recordValue(values64k[i & 0xffff]!);
  })]);
  histogram.destroy();
}

const recorder = new LoadRecorder({ shardIndex: 0, watch: [], violationSamples: 10, startMs: performance.now(), onSecond: () => undefined });
const base = Date.now() * 1000;
const results: PostResult[] = Array.from({ length: 1024 }, (_, i) => ({
  status: 'ok',
  requestId: `r${i}`,
  sentAtMs: 0,
  roundTripMs: values64k[i]! / 1000,
  response: {
    header: { requestId: `r${i}` },
    parameters: {},
    docs: [],
    routes: [
      { executor: 'gateway', startUs: base, endUs: base + values64k[i]! },
      { executor: 'encoder', startUs: base + 100, endUs: base + 100 + values64k[i + 1]! / 3 },
      { executor: 'indexer', startUs: base + 200 + values64k[i + 1]! / 3, endUs: base + values64k[i]! - 100 },
    ],
  },
}));
const requests = samples / 4;
const perRequest = bestNsPer(requests, () => {
  const now = performance.now();
  for (let i = 0; i < requests; i++) {
    const result = results[i & 1023]!;
    recorder.record(result, 1, result.roundTripMs, now);
  }
});
rows.push(['LoadRecorder.record, per request (6 samples: round trip, second, docs, 2 executors, gateway)', perRequest]);
rows.push(['LoadRecorder.record, per recorded sample', perRequest / 6]);
recorder.finish(performance.now());

console.log('| what | ns (CPU) |');
console.log('|---|---:|');
for (const [what, ns] of rows) console.log(`| ${what} | ${ns.toFixed(1)} |`);
