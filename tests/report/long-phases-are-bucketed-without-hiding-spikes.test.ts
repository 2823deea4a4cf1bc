import { describe, expect, it } from 'vitest';
import { downsampleSeries } from '../../src/report/downsample-series.ts';
import { buildLoadAttachments } from '../../src/report/load-attachments.ts';
import { buildSampleLoadResult } from './build-sample-load-result.ts';

describe('charts of long phases', () => {
  const report = buildSampleLoadResult({ seconds: 2000, requestsPerSecond: 5 });
  const spiky = { ...report, series: report.series.map((sample) => (sample.second === 1234 ? { ...sample, p99Ms: 999 } : sample)) };

  it('buckets seconds so there are at most ~800 points, keeping totals and the worst p99', () => {
    const { samples, bucketS } = downsampleSeries(spiky.series);
    expect(bucketS).toBe(3);
    expect(samples.length).toBeLessThanOrEqual(800);
    const requests = samples.reduce((sum, sample, index) => sum + sample.requests * Math.min(bucketS, 2000 - index * bucketS), 0);
    expect(requests).toBeCloseTo(report.requests, 6);
    expect(Math.max(...samples.map((sample) => sample.p99Ms))).toBe(999);
  });

  it('the chart says it is bucketed, stays small, and its latency axis reaches the spike', () => {
    const svg = buildLoadAttachments(spiky).find((attachment) => attachment.name === 'throughput and latency')?.body ?? '';
    expect(svg).toContain('throughput and latency (3 s buckets)');
    expect(svg.length).toBeLessThan(60_000);
    const ticks = [...svg.matchAll(/<text[^>]*>(\d+(?:\.\d+)?k?)<\/text>/g)].map((match) => match[1]);
    expect(ticks).toContain('1k');
  });

  it('short phases keep every second', () => {
    const short = buildSampleLoadResult({ seconds: 30 });
    expect(downsampleSeries(short.series)).toEqual({ samples: short.series, bucketS: 1 });
  });
});
