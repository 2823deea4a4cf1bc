import { describe, expect, it } from 'vitest';
import { renderThroughputLatencyChart } from '../../src/report/throughput-latency-chart.ts';
import { renderSeriesCsv } from '../../src/report/series-csv.ts';
import { buildSampleLoadResult } from './build-sample-load-result.ts';

describe('charts of a closed phase', () => {
  // A 12 s phase plus the second in which the requests in flight at the deadline finished.
  const base = buildSampleLoadResult({ seconds: 12 });
  const last = base.series.at(-1);
  const report = { ...base, series: [...base.series, { ...last!, second: 12, requests: 2, docs: 20 }] };

  it('plot the phase\'s seconds only: the drain would read as throughput collapsing', () => {
    const svg = renderThroughputLatencyChart(report);
    const line = /class="qps-line" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    // One point per plotted second: M + 11 L for 12 seconds, not 13.
    expect(line.match(/[ML]/g)).toHaveLength(12);
    expect(svg).toBe(renderThroughputLatencyChart(base));
  });

  it('while the CSV keeps every second, the drain included', () => {
    expect(renderSeriesCsv(report).trimEnd().split('\n')).toHaveLength(1 + 13);
  });
});
