import { afterAll, beforeAll, expect, test } from 'vitest';
import { runLoad } from '../../src/load/run-load';
import type { LoadStepParams } from '../../src/config/plan';
import { startStubGateway, type StubGateway } from './support/stub-gateway';

let gateway: StubGateway;
beforeAll(async () => (gateway = await startStubGateway(20)));
afterAll(() => gateway.close());

const params = (over: Partial<LoadStepParams>): LoadStepParams => ({
  client: 'grpc', numClients: 2, requestSize: 1, executionTimeS: 2, endpoint: '/index', parameters: {},
  inputs: { method: 'x', kwargs: {} }, prefetch: 1, grpcMode: 'stream', websocketFraming: 'bytes',
  requestTimeoutMs: 5000, thresholds: {}, maxViolations: 0, abortOnFail: false, workers: 0, ...over,
});

for (const workers of [0, 2]) test(`smoke workers=${workers}`, async () => {
  const report = await runLoad({
    params: params({ workers }), target: { host: '127.0.0.1', port: gateway.port, protocol: 'grpc', docarray: 'v1' },
    job: 'j', step: 's', method: 'index', context: { baseDir: '.', helpersDir: '.' },
    factoriesModule: new URL('./support/stub-load-factories.ts', import.meta.url),
    onProgress: (p) => console.log('progress', p), tuning: { progressIntervalS: 1 },
  });
  console.log(JSON.stringify({ ...report, histograms: undefined, series: report.series.length, config: undefined }, null, 1));
  expect(report.requests).toBeGreaterThan(100);
});
