import { renderExecutorTimeChart } from './executor-time-chart.ts';
import { renderStepPercentiles } from './percentile-distribution.ts';
import { redactDeep } from './redact-secrets.ts';
import { renderSeriesCsv } from './series-csv.ts';
import type { LoadResult } from '../load/load-result.ts';
import { renderThroughputLatencyChart } from './throughput-latency-chart.ts';
import { renderRoundTripSplitChart } from './round-trip-split-chart.ts';
import { renderHostMetricsChart } from './host-metrics-chart.ts';
import { renderHostMetricsCsv } from './host-metrics-csv.ts';

export interface ReportAttachment {
  name: string;
  contentType: string;
  body: string;
}

/** An attach function such as attachToAllure: name, content type, body. */
export type AttachFunction = (name: string, contentType: string, body: string | Uint8Array) => Promise<void>;

/**
 * Everything a load step attaches, in the order a reader wants it: the charts first (what
 * happened at a glance), then the numbers behind them.
 */
export function buildLoadAttachments(report: LoadResult): ReportAttachment[] {
  return [
    { name: 'throughput and latency', contentType: 'image/svg+xml', body: renderThroughputLatencyChart(report) },
    ...(report.hostMetrics ? [{ name: 'CPU and memory per process', contentType: 'image/svg+xml', body: renderHostMetricsChart(report) }] : []),
    { name: 'time per executor', contentType: 'image/svg+xml', body: renderExecutorTimeChart(report) },
    { name: 'where the round trip went', contentType: 'image/svg+xml', body: renderRoundTripSplitChart(report) },
    { name: 'summary.json', contentType: 'application/json', body: `${JSON.stringify(redactDeep(report), null, 2)}\n` },
    { name: 'per-second.csv', contentType: 'text/csv', body: renderSeriesCsv(report) },
    ...(report.hostMetrics?.status === 'sampled' ? [{ name: 'host-metrics.csv', contentType: 'text/csv', body: renderHostMetricsCsv(report) }] : []),
    { name: 'latency percentiles (HDR, ms)', contentType: 'text/plain', body: renderStepPercentiles(report) },
  ];
}

/** Attach every load-step artifact through the step's `attach` (one line in a step file). */
export async function attachLoadReport(attach: AttachFunction, report: LoadResult): Promise<void> {
  for (const attachment of buildLoadAttachments(report)) {
    await attach(attachment.name, attachment.contentType, attachment.body);
  }
}
