import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, initHistograms, type Histogram } from '../../src/load/histogram.ts';
import { runLoad } from '../../src/load/run-load.ts';
import { loadParams } from './support/load-params.ts';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.ts';
import { startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget;
let proxy: RecordingProxy;

beforeAll(async () => {
  await initHistograms();
  target = await startReferenceTarget(`jtype: Flow
with: {protocol: grpc, port: 0}
executors:
  - {name: work, uses: FaultExecutor, replicas: 4, uses_with: {latency_ms: {distribution: exponential, mean: 4, max: 40}}}
`);
  proxy = await startRecordingProxy(target.target.port, target.target.docarray);
});
afterAll(async () => {
  await proxy?.close();
  await target?.stop();
});

/** Equal when every bucket count is equal: same total, extremes and full percentile table. */
function describeHistogram(histogram: Histogram) {
  return {
    totalCount: histogram.totalCount,
    min: histogram.minNonZeroValue,
    max: histogram.maxValue,
    mean: histogram.mean,
    percentiles: histogram.outputPercentileDistribution(5),
  };
}

test('executor histograms merged from 2 worker threads equal one histogram fed the same samples', async () => {
  const report = await runLoad({
    params: loadParams({ numClients: 4, executionTimeS: 2, workers: 2, inputs: { method: 'random_texts', kwargs: { num_docs: 20 } } }),
    target: { ...target.target, port: proxy.port },
    job: 'merge',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
    // Long enough that nothing is cut at the deadline: every response seen is recorded.
    tuning: { deadlineGraceMs: 2000 },
  });

  expect(report.workers).toBe(2);
  expect(report.cutOff).toBe(0);
  expect(report.errors.total).toBe(0);
  expect(proxy.responses.length).toBe(report.requests);

  // One histogram fed every executor time that came over the wire, as the recorder derives it.
  const single = createHistogram();
  for (const response of proxy.responses) {
    for (const route of response.routes) {
      if (route.executor !== 'work') continue;
      single.recordValue(Math.round(Math.max(route.startUs!, route.endUs!) - route.startUs!));
    }
  }
  const merged = decodeHistogram(report.histograms.executors.work!);
  // Every response carried the executor's route. However few there were on a busy machine, a
  // merge that lost or doubled one thread's histogram would not equal this one below.
  expect(single.totalCount).toBe(proxy.responses.length);
  expect(single.totalCount).toBeGreaterThan(2 * 4);
  // Bucket counts survive encoding exactly; the exact maximum does not (a decoded histogram
  // reports its top bucket's upper end), so compare after the same encode/decode trip.
  const singleDecoded = decodeHistogram(encodeHistogram(single));
  expect(describeHistogram(merged)).toEqual(describeHistogram(singleDecoded));
  // The summary in the report is read from that same merged histogram.
  expect(report.executors[0]!.p99Ms).toBe(single.getValueAtPercentile(99) / 1000);
  expect(merged.maxValue - single.maxValue).toBeLessThanOrEqual(single.maxValue / 1000);
  expect(report.docs).toBe(proxy.responses.reduce((sum, response) => sum + response.docs.length, 0));
  for (const histogram of [single, singleDecoded, merged]) histogram.destroy();
});
