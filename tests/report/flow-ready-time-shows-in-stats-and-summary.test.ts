import { describe, expect, it } from 'vitest';
import { formatStepSummary } from '../../src/report/format-step-summary.ts';
import { renderStatsMarkdown } from '../../src/report/render-stats.ts';
import { buildStatsTable, statsColumns } from '../../src/report/stats-table.ts';
import { buildSampleLoadResult } from './build-sample-load-result.ts';

describe('time to ready of the Flow a load step ran against', () => {
  it('is a stats column, with – for steps against a gateway nobody started', () => {
    const started = buildSampleLoadResult({ step: 'index', seed: 1 });
    started.timeToReadyS = 2.4321;
    const external = buildSampleLoadResult({ step: 'query', seed: 2 });
    const table = buildStatsTable([started, external]);
    expect(table.rows.map((row) => row.flowReadyS)).toEqual([2.4321, undefined]);
    const markdown = renderStatsMarkdown(table);
    const lines = markdown.split('\n').filter((line) => line.startsWith('| '));
    const header = lines[0]!.split(' | ');
    const column = header.indexOf('Flow ready (s)');
    expect(column).toBeGreaterThan(0);
    expect(lines[1]!.split(' | ')[column]).toBe('2.4');
    expect(lines[2]!.split(' | ')[column]).toBe('–');
  });

  it('is absent when no step knows it, and dropped from the compact table', () => {
    const table = buildStatsTable([buildSampleLoadResult({ seed: 3 })]);
    expect(statsColumns(table).map((column) => column.header)).not.toContain('Flow ready (s)');
    const report = buildSampleLoadResult({ seed: 4 });
    report.timeToReadyS = 1;
    const withReady = buildStatsTable([report]);
    expect(statsColumns(withReady).map((column) => column.header)).toContain('Flow ready (s)');
    expect(statsColumns(withReady, { compact: true }).map((column) => column.header)).not.toContain('Flow ready (s)');
  });

  it('ends the step summary line', () => {
    const report = buildSampleLoadResult({ seed: 5 });
    expect(formatStepSummary(report)).not.toContain('flow ready');
    report.timeToReadyS = 3.06;
    expect(formatStepSummary(report)).toMatch(/; flow ready in 3\.1s$/);
  });
});
