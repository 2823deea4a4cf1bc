import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CapacityResult } from '../../src/load/capacity-result.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { renderCapacityChart } from '../../src/report/capacity-chart.ts';
import { renderExecutorTimeChart } from '../../src/report/executor-time-chart.ts';
import { renderHostMetricsChart } from '../../src/report/host-metrics-chart.ts';
import { renderRoundTripSplitChart } from '../../src/report/round-trip-split-chart.ts';
import { renderThroughputLatencyChart } from '../../src/report/throughput-latency-chart.ts';

// The expected SVGs were rendered from these inputs by main at 590b4f7, before the charts
// shared their set-up and stacked-area renderer: refactoring the report must not change a byte.
// Cases: a 12-second step with split and host metrics (two agents, ten processes: the legend
// wraps, eight are drawn, a drain second after the deadline, an executor seen only in the
// series, a name to escape); nothing to draw; a long phase drawn in buckets; host totals only.
const fixtures = new URL('./fixtures/charts/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('load-results.json', fixtures), 'utf8')) as Record<string, LoadResult>;
const charts = {
  'executor-time': renderExecutorTimeChart,
  'round-trip-split': renderRoundTripSplitChart,
  'host-metrics': renderHostMetricsChart,
  'throughput-latency': renderThroughputLatencyChart,
} satisfies Record<string, (report: LoadResult) => string>;

describe('charts render byte-identical SVG for the same data', () => {
  for (const [name, report] of Object.entries(cases)) {
    for (const [chart, render] of Object.entries(charts)) {
      it(`${name}: ${chart}`, () => {
        expect(render(report)).toBe(readFileSync(new URL(`${name}.${chart}.svg`, fixtures), 'utf8'));
      });
    }
  }

  // A capacity search that found its rate (probes out of order, one off the scale, a knee), one
  // with no probe, and one without a p99 limit.
  const capacities = JSON.parse(readFileSync(new URL('capacity-results.json', fixtures), 'utf8')) as Record<string, CapacityResult>;
  for (const [name, capacity] of Object.entries(capacities)) {
    it(`${name}: capacity`, () => {
      expect(renderCapacityChart('capacity-job', `find "${name}"`, capacity)).toBe(readFileSync(new URL(`${name}.capacity.svg`, fixtures), 'utf8'));
    });
  }
});
