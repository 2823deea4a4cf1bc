import { afterEach, expect, test } from 'vitest';
import type { GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { buildLoadAttachments } from '../../src/report/load-attachments.ts';
import { formatStepSummary } from '../../src/report/format-step-summary.ts';
import { buildStatsTable, statsColumns } from '../../src/report/stats-table.ts';
import { loadParams } from './support/load-params.ts';
import { createTimedFlowHandler } from './support/timed-flow-handler.ts';

const gatewayDelayMs = 6;
const executorMs = { encoder: 8, indexer: 4 };
let server: GatewayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runAgainst(protocol: GatewayProtocol, docarray: 'v1' | 'v2') {
  const timed = createTimedFlowHandler(gatewayDelayMs, executorMs);
  server = await startGatewayServer({ protocol, port: 0, docarray, handler: timed.handler });
  const report = await runLoad({
    params: loadParams({ client: protocol, numClients: 2, executionTimeS: 2 }),
    target: { host: server.host, port: server.port, protocol, docarray },
    job: 'split',
    step: 'index',
    method: 'index',
    context: { baseDir: process.cwd(), helpersDir: process.cwd() },
  });
  return { report, slept: timed.slept };
}

// Ground truth from the same run: the target measured every sleep it took (a loaded machine
// stretches them), and stamped its routes around them. The split must give back the gateway's
// own sleeps and the executors' sleeps per request, and the three parts must add up to the
// client's round trip it measured.
test('the split reports the gateway delay and the executor times the target recorded, and adds up to the round trip', async () => {
  const { report, slept } = await runAgainst('grpc', 'v1');
  expect(report.errors.total).toBe(0);
  const split = report.roundTripSplit;
  if (split?.status !== 'split') throw new Error(`expected a split, got ${JSON.stringify(split)}`);
  // Requests cut off at the deadline were answered by the target but never recorded.
  expect(split.requests).toBe(report.okRequests);
  expect(slept.requests).toBeGreaterThanOrEqual(split.requests);
  const perRequest = (totalMs: number) => totalMs / slept.requests;
  const sleptExecutors = perRequest(slept.executorMs.encoder! + slept.executorMs.indexer!);
  // Stamps sit right around the sleeps: the executors' share is their sleeps (µs stamps,
  // sub-ms bookkeeping between them), and the gateway's own share is its sleep plus the
  // routing between stamps — never less.
  expect(split.executorsMs).toBeGreaterThanOrEqual(sleptExecutors * 0.97);
  expect(split.executorsMs).toBeLessThanOrEqual(sleptExecutors * 1.05 + 0.5);
  expect(split.gatewayMs).toBeGreaterThanOrEqual(perRequest(slept.gatewayMs) * 0.97);
  expect(split.gatewayMs).toBeLessThanOrEqual(perRequest(slept.gatewayMs) * 1.1 + 1);
  expect(split.gatewayMs).toBeGreaterThanOrEqual(gatewayDelayMs);
  // The parts add up to the mean client round trip (closed model: latency is the round trip).
  expect(split.executorsMs + split.gatewayMs + split.clientMs).toBeCloseTo(report.latency.meanMs, 0);
  expect(split.clientMs).toBeGreaterThan(0);
  expect(split.clientMs).toBeLessThan(report.latency.meanMs - gatewayDelayMs - 12);

  // Per second, in the summary line, the stats table, the CSV and the chart.
  const seconds = report.series.filter((row) => row.split);
  expect(seconds.length).toBeGreaterThanOrEqual(2);
  for (const row of seconds) expect(row.split!.gatewayMs).toBeGreaterThanOrEqual(gatewayDelayMs * 0.97);
  expect(formatStepSummary(report)).toMatch(/round trip [\d.]+ ms = executors [\d.]+ \(\d+%\) \+ gateway [\d.]+ \(\d+%\) \+ client\/transport [\d.]+/);
  const table = buildStatsTable([report]);
  const headers = statsColumns(table).map((column) => column.header);
  expect(headers).toEqual(expect.arrayContaining(['In executors (ms)', 'Gateway own (ms)', 'Client+transport (ms)', 'Generator CPU']));
  const gatewayColumn = statsColumns(table).find((column) => column.header === 'Gateway own (ms)')!;
  expect(Number(gatewayColumn.cell(table.rows[0]!))).toBeCloseTo(split.gatewayMs, 1);
  const attachments = buildLoadAttachments(report);
  const csv = attachments.find((attachment) => attachment.name === 'per-second.csv')!.body;
  expect(csv.split('\n')[0]).toContain('executors_ms,gateway_own_ms,client_transport_ms,generator_cores');
  const chart = attachments.find((attachment) => attachment.name === 'where the round trip went')!.body;
  expect(chart.match(/class="split-band"/g)).toHaveLength(3);
});

test('over HTTP with docarray v2 the split is unavailable, and the summary and chart say why', async () => {
  const { report } = await runAgainst('http', 'v2');
  expect(report.errors.total).toBe(0);
  expect(report.okRequests).toBeGreaterThan(0);
  expect(report.roundTripSplit).toEqual({ status: 'unavailable', reason: 'routes not available over HTTP with docarray v2' });
  expect(formatStepSummary(report)).toContain('round-trip split unavailable (routes not available over HTTP with docarray v2)');
  const chart = buildLoadAttachments(report).find((attachment) => attachment.name === 'where the round trip went')!.body;
  expect(chart).toContain('split unavailable: routes not available over HTTP with docarray v2');
  const table = buildStatsTable([report]);
  const column = statsColumns(table).find((candidate) => candidate.header === 'In executors (ms)')!;
  expect(column.cell(table.rows[0]!)).toBe('n/a');
});
