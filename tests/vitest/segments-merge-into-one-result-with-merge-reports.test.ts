import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHistogram, decodeHistogram, initHistograms } from '../../src/load/histogram.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from '../load/support/reference-target.ts';
import { findAll, readBlob } from './support/read-blob.ts';
import { createStressProject, type StressProject, type StressRun } from './support/stress-project.ts';

let target: ReferenceTarget;
let project: StressProject;
let generators: StressRun[];
let merge: StressRun;
let segments: LoadResult[];

beforeAll(async () => {
  await initHistograms();
  target = await startReferenceTarget(faultFlow('work', '{latency_ms: {distribution: exponential, mean: 3, max: 30}}'));
  project = await createStressProject(`jobs:
  split:
    gateway: { host: 127.0.0.1, port: ${target.target.port}, protocol: grpc }
    steps:
      - method: index
        execution_time: 2
        num_clients: 5
        request_size: 2
        inputs: { method: random_texts, kwargs: { num_docs: 20 } }
        thresholds: { p99_ms: 10000 }
`);
  // Three generators as three machines would run them: separate processes, one blob each.
  generators = await Promise.all(
    [1, 2, 3].map((index) =>
      project.run(['--reporter=blob', `--outputFile=.vitest-reports/blob-${index}.json`], { env: { STRESS_SEGMENT: `${index}/3`, STRESS_RUN_ID: 'merge-test' } }),
    ),
  );
  const blobs = join(project.dir, '.vitest-reports');
  segments = [];
  for (const file of await readdir(blobs)) segments.push(...(findAll(await readBlob(join(blobs, file)), 'segmentResult') as LoadResult[]));
  merge = await project.run(['--merge-reports']);
}, 180_000);

afterAll(async () => {
  await project?.remove();
  await target?.stop();
});

test('each generator ran its segment and wrote its result into its blob', () => {
  for (const run of generators) expect(run.exitCode, run.output).toBe(0);
  expect(segments.map((part) => part.segment?.index).sort()).toEqual([1, 2, 3]);
  expect(segments.map((part) => part.segment?.clients.length).sort()).toEqual([1, 2, 2]);
});

test('the merge gives one result: percentiles of all samples, counters summed, exit code from its verdict', async () => {
  expect(merge.exitCode, merge.output).toBe(0);
  expect(merge.output).toContain('jina-stress merged segments');
  expect(merge.output).toMatch(/✓ split › index \(3 segments\)/);
  expect(merge.output).toContain('Merged stress test stats');
  const merged = JSON.parse(await readFile(join(project.reportsDir, 'merged/split--index.summary.json'), 'utf8')) as LoadResult;

  const sum = (pick: (part: LoadResult) => number) => segments.reduce((total, part) => total + pick(part), 0);
  expect(merged.requests).toBe(sum((part) => part.requests));
  expect(merged.docs).toBe(sum((part) => part.docs));
  expect(merged.errors.total).toBe(sum((part) => part.errors.total));
  expect(merged.mergedFrom?.generators.map((generator) => generator.segment)).toEqual([1, 2, 3]);

  // One histogram fed every generator's samples, from the blobs.
  const single = createHistogram();
  for (const part of segments) {
    const decoded = decodeHistogram(part.histograms.roundTrip);
    single.add(decoded);
    decoded.destroy();
  }
  expect(merged.latency.count).toBe(single.totalCount);
  expect(merged.latency.p50Ms).toBe(single.getValueAtPercentile(50) / 1000);
  expect(merged.latency.p95Ms).toBe(single.getValueAtPercentile(95) / 1000);
  expect(merged.latency.p99Ms).toBe(single.getValueAtPercentile(99) / 1000);
  single.destroy();
});

test('npx jina-stress merge gathers blobs from several folders into the same merge', async () => {
  const blobs = join(project.dir, '.vitest-reports');
  for (const index of [1, 2, 3]) {
    await mkdir(join(project.dir, `artifact-${index}`, 'nested'), { recursive: true });
    await copyFile(join(blobs, `blob-${index}.json`), join(project.dir, `artifact-${index}`, 'nested', `blob-${index}.json`));
  }
  const cli = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/jina-stress.mjs'), 'merge', 'artifact-1', 'artifact-2', 'artifact-3'], {
    cwd: project.dir,
    encoding: 'utf8',
    env: { ...process.env, STRESS_CONFIG: '', NO_COLOR: '1' },
  });
  expect(cli.status, cli.stdout + cli.stderr).toBe(0);
  expect(cli.stdout).toMatch(/✓ split › index \(3 segments\)/);
});

test('a merge missing a generator names its segment and fails', async () => {
  const blobs = join(project.dir, '.vitest-reports');
  await mkdir(join(project.dir, 'held-back'), { recursive: true });
  await rename(join(blobs, 'blob-2.json'), join(project.dir, 'held-back/blob-2.json'));
  const partial = await project.run(['--merge-reports']);
  expect(partial.exitCode, partial.output).toBe(1);
  expect(partial.output).toContain('split › index: segment 2/3 missing');
});
