import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { buildLoadAttachments } from '../../src/report/load-attachments.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { buildSampleLoadResult } from './build-sample-load-result.ts';

interface SvgElement {
  name: string;
  attributes: Record<string, string>;
}

/** Parse SVG as strict XML (a browser would refuse what saxes refuses) and list its elements. */
function parseSvg(svg: string): SvgElement[] {
  const elements: SvgElement[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag) => {
    const attributes = Object.fromEntries(Object.entries(tag.attributes).map(([key, attr]) => [key, typeof attr === 'string' ? attr : attr.value]));
    elements.push({ name: tag.local, attributes });
  });
  parser.write(svg).close();
  return elements;
}

/** Every number in a path's `d`: none may be NaN/Infinity, all inside the drawing. */
function pathNumbers(d: string): number[] {
  return (d.match(/-?[\d.]+(?:e-?\d+)?|NaN|Infinity/g) ?? []).map(Number);
}

const attachmentNamed = (report: LoadResult, name: string): string => {
  const found = buildLoadAttachments(report).find((attachment) => attachment.name === name);
  if (!found) throw new Error(`no attachment ${name}`);
  return found.body;
};

describe('load step attachments', () => {
  const report = buildSampleLoadResult({ executors: [{ name: 'clip_encoder', medianMs: 7 }, { name: 'faiss_indexer', medianMs: 11 }, { name: 'ranker', medianMs: 2 }], errorEvery: 97 });

  it('summary.json round-trips the LoadResult, histograms included', () => {
    const parsed = JSON.parse(attachmentNamed(report, 'summary.json')) as LoadResult;
    expect(parsed).toEqual(report);
  });

  it('per-second CSV has one row per second and a column per executor from the routes', () => {
    const lines = attachmentNamed(report, 'per-second.csv').trim().split('\n');
    expect(lines[0]).toBe('second,requests,docs,errors,p50_ms,p99_ms,clip_encoder_mean_ms,faiss_indexer_mean_ms,ranker_mean_ms');
    expect(lines).toHaveLength(report.series.length + 1);
    const totalRequests = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[1]), 0);
    expect(totalRequests).toBe(report.requests);
  });

  it('the HDR percentile distribution agrees with the summary percentiles', () => {
    const text = attachmentNamed(report, 'latency percentiles (HDR, ms)');
    // Round trip, gateway, three executors, documents per response.
    expect(text.match(/^# /gm)).toHaveLength(1 + 1 + 3 + 1);
    expect(text).toContain('# executor faiss_indexer (ms)');
    expect(text).toContain('# documents per response (count)');
    const roundTrip = text.split('# gateway')[0] as string;
    const median = roundTrip
      .split('\n')
      .map((line) => line.trim().split(/\s+/).map(Number))
      .find((columns) => columns.length === 4 && columns[1] !== undefined && columns[1] >= 0.5);
    expect(median?.[0]).toBeCloseTo(report.latency.p50Ms, 1);
    expect(roundTrip).toMatch(new RegExp(`Total count\\s+=\\s+${report.latency.count}\\]`));
  });

  it('the throughput/latency chart is valid SVG with QPS, p50, p99 and error bars drawn from the series', () => {
    const svg = attachmentNamed(report, 'throughput and latency');
    const elements = parseSvg(svg);
    const paths = Object.fromEntries(elements.filter((element) => element.name === 'path').map((element) => [element.attributes.class, element.attributes.d ?? '']));
    for (const name of ['qps-line', 'qps-area', 'latency-p50', 'latency-p99']) {
      const numbers = pathNumbers(paths[name] ?? '');
      expect(numbers.length, name).toBeGreaterThan(report.series.length);
      expect(numbers.every(Number.isFinite), name).toBe(true);
      expect(Math.min(...numbers), name).toBeGreaterThanOrEqual(0);
      expect(Math.max(...numbers), name).toBeLessThanOrEqual(900);
    }
    const errorSeconds = report.series.filter((sample) => sample.errors > 0).length;
    expect(elements.filter((element) => element.attributes.class === 'error-bar')).toHaveLength(errorSeconds);
  });

  it('draws the p99 threshold line when the step has one', () => {
    const limited = buildSampleLoadResult({ thresholds: [{ name: 'p99_ms', limit: 40, measured: 61.2, passed: false }] });
    const elements = parseSvg(attachmentNamed(limited, 'throughput and latency'));
    expect(elements.some((element) => element.attributes.class === 'p99-limit')).toBe(true);
  });

  it('the executor chart stacks one band per executor, named from the data', () => {
    const elements = parseSvg(attachmentNamed(report, 'time per executor'));
    const bands = elements.filter((element) => element.attributes.class === 'executor-band');
    expect(bands.map((band) => band.attributes['data-executor'])).toEqual(['clip_encoder', 'faiss_indexer', 'ranker']);
    for (const band of bands) expect(pathNumbers(band.attributes.d ?? '').every(Number.isFinite)).toBe(true);
  });

  it('says so instead of drawing when a step recorded nothing', () => {
    const empty: LoadResult = { ...report, series: [], executors: [] };
    const svg = attachmentNamed(empty, 'time per executor');
    expect(svg).toContain('no executor routes in the responses');
    expect(parseSvg(svg).some((element) => element.attributes.class === 'executor-band')).toBe(false);
  });
});
