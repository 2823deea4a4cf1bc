import { judgeLoadStep } from '../load/judge-load-step.ts';
import { executorLabel } from '../load/executor-label.ts';
import type { LoadResult } from '../load/load-result.ts';
import type { SplitMeans } from '../load/round-trip-split.ts';

/** One load step, as a row of the run's stats table. Times in ms unless named. */
export interface StatsRow {
  job: string;
  task: string;
  method: LoadResult['method'];
  client: string;
  numClients: number;
  /** `closed`, or `open` for arrival-rate steps (whose #clients is the in-flight cap). */
  model: LoadResult['model'];
  wallTimeS: number;
  requests: number;
  docs: number;
  docsPerSec: number;
  qps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: number;
  /** Mean time per request in each executor, keyed by the names in the response routes. */
  executorMeanMs: Record<string, number>;
  /** Thresholds and checks held (the step's own verdict on its measurements). */
  passed: boolean;
  /** Why not, when `passed` is false. */
  failure?: string;
  /** The phase did not run to its end (interrupted, or stopped by `abort_on_fail`). */
  stoppedBy?: 'signal' | 'threshold';
  /** Seconds from start_flow to the Flow's first successful dry_run (the Flow this step loaded). */
  flowReadyS?: number;
  /** Where the mean round trip went, or `unavailable` (HTTP with docarray v2). */
  split?: SplitMeans | 'unavailable';
  /** The generator's mean CPU as a share of its usable cores, and whether it was saturated. */
  generator?: { meanShare: number; saturated: boolean };
  /** Peak CPU (cores) and peak resident memory per executor (and the gateway), from the agents' host metrics. */
  resources?: Record<string, { peakCpuCores: number; peakRssBytes: number }>;
}

export interface StatsTable {
  rows: StatsRow[];
  /** Executor columns, in the order they first appear across the run. */
  executors: string[];
  /** More than one job: the task column names the job too. */
  isMultiJob: boolean;
  /** Executors (and the gateway) with host metrics, in the order they first appear. */
  resourceNames?: string[];
}

export function buildStatsRow(report: LoadResult): StatsRow {
  const verdict = judgeLoadStep(report);
  const failure = verdict.status === 'failed' ? verdict.failure : undefined;
  return {
    job: report.job,
    task: report.step,
    method: report.method,
    client: report.config.client,
    numClients: report.model === 'open' ? (report.config.arrival?.maxInFlight ?? report.config.numClients) : report.config.numClients,
    model: report.model,
    wallTimeS: report.wallTimeS,
    requests: report.requests,
    docs: report.docs,
    docsPerSec: report.docsPerSec,
    qps: report.qps,
    p50Ms: report.latency.p50Ms,
    p95Ms: report.latency.p95Ms,
    p99Ms: report.latency.p99Ms,
    errors: report.errors.total,
    executorMeanMs: Object.fromEntries(report.executors.map((executor) => [executorLabel(report, executor.executor), executor.meanMs])),
    passed: failure === undefined,
    ...(failure ? { failure: failure.message } : {}),
    ...(report.stoppedBy === 'signal' || report.stoppedBy === 'threshold' ? { stoppedBy: report.stoppedBy } : {}),
    ...(report.timeToReadyS !== undefined ? { flowReadyS: report.timeToReadyS } : {}),
    ...(report.roundTripSplit
      ? {
          split:
            report.roundTripSplit.status === 'split'
              ? {
                  executorsMs: report.roundTripSplit.executorsMs,
                  gatewayMs: report.roundTripSplit.gatewayMs,
                  clientMs: report.roundTripSplit.clientMs,
                }
              : 'unavailable',
        }
      : {}),
    ...(report.generatorLoad ? { generator: { meanShare: report.generatorLoad.meanShare, saturated: report.generatorLoad.saturated } } : {}),
    ...(report.hostMetrics?.status === 'sampled' && report.hostMetrics.executors.length > 0
      ? {
          resources: Object.fromEntries(
            report.hostMetrics.executors.map((executor) => [executor.name, { peakCpuCores: executor.peakCpuCores, peakRssBytes: executor.peakRssBytes }]),
          ),
        }
      : {}),
  };
}

/**
 * The run's stats table: one row per load step, in run order, with a column per executor that
 * any step's responses named (the seed hard-coded its executors; a Flow decides here).
 */
export function buildStatsTable(reports: readonly LoadResult[]): StatsTable {
  const rows = reports.map(buildStatsRow);
  const executors: string[] = [];
  for (const row of rows) for (const name of Object.keys(row.executorMeanMs)) if (!executors.includes(name)) executors.push(name);
  const resourceNames: string[] = [];
  for (const row of rows) for (const name of Object.keys(row.resources ?? {})) if (!resourceNames.includes(name)) resourceNames.push(name);
  return { rows, executors, isMultiJob: new Set(rows.map((row) => row.job)).size > 1, ...(resourceNames.length > 0 ? { resourceNames } : {}) };
}

/** A column of the rendered table: header, how to read a cell, whether it is numeric. */
export interface StatsColumn {
  header: string;
  cell: (row: StatsRow) => string;
  isNumeric: boolean;
}

/** ms with precision where it matters: 0.84, 12.3, 1234. */
export function formatMs(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');
const formatRate = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/**
 * The columns the renderers print, in order. `compact` (chat messages, narrow screens) keeps
 * the task, rates, percentiles, executors and verdict, and drops setup columns.
 */
export function statsColumns(table: StatsTable, options: { compact?: boolean } = {}): StatsColumn[] {
  const text = (header: string, cell: (row: StatsRow) => string): StatsColumn => ({ header, cell, isNumeric: false });
  const number = (header: string, cell: (row: StatsRow) => string): StatsColumn => ({ header, cell, isNumeric: true });
  const setupHeaders = new Set(['Client', '#Clients', 'Flow ready (s)', 'Wall time (s)', '#Docs', 'Generator CPU']);
  // Only runs that started their Flows know how long they took to come up.
  const hasFlowReady = table.rows.some((row) => row.flowReadyS !== undefined);
  // Columns of measurements older results lack: only when some row has them.
  const hasSplit = table.rows.some((row) => row.split !== undefined);
  const hasGenerator = table.rows.some((row) => row.generator !== undefined);
  const splitCell = (pick: (split: SplitMeans) => number) => (row: StatsRow) =>
    row.split === undefined ? '–' : row.split === 'unavailable' ? 'n/a' : formatMs(pick(row.split));
  const columns: StatsColumn[] = [
    text('Task', (row) => (table.isMultiJob ? `${row.job} / ${row.task}` : row.task)),
    text('Client', (row) => row.client),
    number('#Clients', (row) => (row.model === 'open' ? `open ≤${row.numClients}` : String(row.numClients))),
    ...(hasFlowReady ? [number('Flow ready (s)', (row) => (row.flowReadyS === undefined ? '–' : row.flowReadyS.toFixed(1)))] : []),
    number('Wall time (s)', (row) => row.wallTimeS.toFixed(1)),
    number('#Docs', (row) => formatCount(row.docs)),
    number('Docs/s', (row) => formatRate(row.docsPerSec)),
    number('QPS', (row) => formatRate(row.qps)),
    number('p50 (ms)', (row) => formatMs(row.p50Ms)),
    number('p95 (ms)', (row) => formatMs(row.p95Ms)),
    number('p99 (ms)', (row) => formatMs(row.p99Ms)),
    ...table.executors.map((name) =>
      number(`${name} (ms)`, (row) => {
        const value = row.executorMeanMs[name];
        return value === undefined ? '–' : formatMs(value);
      }),
    ),
    ...(hasSplit
      ? [
          number('In executors (ms)', splitCell((split) => split.executorsMs)),
          number('Gateway own (ms)', splitCell((split) => split.gatewayMs)),
          number('Client+transport (ms)', splitCell((split) => split.clientMs)),
        ]
      : []),
    ...(hasGenerator
      ? [
          number('Generator CPU', (row) =>
            row.generator === undefined ? '–' : `${Math.round(row.generator.meanShare * 100)}%${row.generator.saturated ? ' SATURATED' : ''}`,
          ),
        ]
      : []),
    // Peak CPU (cores) / peak RSS of each executor's processes: which one ran hot.
    ...(table.resourceNames ?? []).map((name) =>
      number(`${name} peak CPU / RSS`, (row) => {
        const resource = row.resources?.[name];
        return resource === undefined ? '–' : `${resource.peakCpuCores.toFixed(2)} / ${Math.round(resource.peakRssBytes / 1024 / 1024)} MB`;
      }),
    ),
    number('Errors', (row) => formatCount(row.errors)),
    text('Result', (row) => `${row.passed ? 'pass' : 'FAIL'}${row.stoppedBy ? ` (partial: ${row.stoppedBy})` : ''}`),
  ];
  return options.compact ? columns.filter((column) => !setupHeaders.has(column.header) && !column.header.endsWith(' peak CPU / RSS')) : columns;
}
