import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHistogram, initHistograms } from '../../src/load/histogram.ts';
import { judgeLoadStep } from '../../src/load/judge-load-step.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { mergeLoadResults } from '../../src/load/merge-load-results.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.ts';
import { startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget;
let proxy: RecordingProxy;
let parts: LoadResult[];

beforeAll(async () => {
  await initHistograms();
  target = await startReferenceTarget(`jtype: Flow
with: {protocol: grpc, port: 0}
executors:
  - {name: work, uses: FaultExecutor, replicas: 4, uses_with: {latency_ms: {distribution: exponential, mean: 4, max: 40}}}
`);
  proxy = await startRecordingProxy(target.target.port, target.target.docarray);
  const params = loadParams({ numClients: 7, executionTimeS: 1.5, thresholds: { p99Ms: 10_000 } });
  parts = await Promise.all(
    [1, 2, 3].map((index) =>
      runLoad({
        params,
        target: { ...target.target, port: proxy.port },
        job: 'merge',
        step: 'index',
        method: 'index',
        context: { baseDir: process.cwd(), helpersDir: process.cwd() },
        segment: { index, count: 3 },
        runId: 'merge-run',
        tuning: { deadlineGraceMs: 5000 },
      }),
    ),
  );
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await target?.stop();
});

test('merged executor percentiles equal one histogram fed every executor time that came over the wire', () => {
  const merged = mergeLoadResults(parts);
  expect(merged.cutOff).toBe(0);
  expect(proxy.responses.length).toBe(merged.requests);
  const single = createHistogram();
  try {
    for (const response of proxy.responses) {
      for (const route of response.routes) {
        if (route.executor === 'work') single.recordValue(Math.round(Math.max(route.startUs!, route.endUs!) - route.startUs!));
      }
    }
    const work = merged.executors.find((executor) => executor.executor === 'work')!;
    expect(work.count).toBe(single.totalCount);
    expect(work.p50Ms).toBe(single.getValueAtPercentile(50) / 1000);
    expect(work.p95Ms).toBe(single.getValueAtPercentile(95) / 1000);
    expect(work.p99Ms).toBe(single.getValueAtPercentile(99) / 1000);
  } finally {
    single.destroy();
  }
});

test('counters add up exactly and the series is aligned by wall-clock second', () => {
  const merged = mergeLoadResults(parts);
  const sum = (pick: (part: LoadResult) => number) => parts.reduce((total, part) => total + pick(part), 0);
  expect(merged.requests).toBe(sum((part) => part.requests));
  expect(merged.docs).toBe(sum((part) => part.docs));
  expect(merged.errors.total).toBe(sum((part) => part.errors.total));
  expect(merged.latency.count).toBe(merged.requests);
  expect(merged.series.reduce((total, row) => total + row.requests, 0)).toBe(merged.requests);
  expect(merged.mergedFrom?.generators.map((generator) => generator.segment)).toEqual([1, 2, 3]);
  expect(merged.segment).toBeUndefined();
});

test('thresholds are judged on the merged histogram, not on averaged percentiles', () => {
  const merged = mergeLoadResults(parts);
  const p99 = merged.latency.p99Ms;
  // As configured on the step: every segment carries the step's thresholds in its config.
  const judgedAt = (p99Ms: number) => judgeLoadStep(mergeLoadResults(parts.map((part) => ({ ...part, config: { ...part.config, thresholds: { p99Ms } } })))).status;
  expect(judgedAt(p99)).toBe('passed');
  expect(judgedAt(p99 - 0.01)).toBe('failed');
  // The mean of the segments' p99s is not the p99 of the run; the merge never uses it.
  const averaged = parts.reduce((total, part) => total + part.latency.p99Ms, 0) / parts.length;
  if (averaged < p99) expect(judgedAt((averaged + p99) / 2)).toBe('failed');
});

test('a missing segment is named and the merge refuses', () => {
  expect(() => mergeLoadResults([parts[0]!, parts[2]!])).toThrow(/merge › index: segment 2\/3 missing/);
  expect(() => mergeLoadResults([parts[0]!, parts[1]!, parts[1]!, parts[2]!])).toThrow(/segment 2\/3 reported twice/);
});
