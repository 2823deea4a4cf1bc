import { describe, expect, it } from 'vitest';
import { formatStepSummary } from '../../src/report/format-step-summary.ts';
import { formatMs } from '../../src/report/stats-table.ts';
import { buildSampleLoadResult } from './build-sample-load-result.ts';

describe('formatStepSummary', () => {
  it('puts counts, rates, percentiles and executor means of the report on one line', () => {
    const report = buildSampleLoadResult({ errorEvery: 100 });
    const line = formatStepSummary(report);
    expect(line).not.toContain('\n');
    expect(line).toContain(`${report.requests} req, ${report.docs.toLocaleString('en-US')} docs in 12.0s`);
    expect(line).toContain(`p99 ${formatMs(report.latency.p99Ms)} ms, ${report.errors.total} errors`);
    expect(line).toMatch(/; mean encoder \d+\.\d+, indexer \d+\.\d+ ms$/);
  });

  it('marks a phase that was cut short as partial', () => {
    const report = { ...buildSampleLoadResult(), stoppedBy: 'signal' as const };
    expect(formatStepSummary(report)).toMatch(/ \[partial: stopped by signal\]$/);
  });

  it('counts requests still in flight at the end apart from answered ones', () => {
    const report = { ...buildSampleLoadResult(), cutOff: 4 };
    expect(formatStepSummary(report)).toMatch(new RegExp(`^${report.requests} req, .*, 4 cut off in flight at the end; mean `));
    expect(formatStepSummary({ ...report, cutOff: 0 })).not.toContain('cut off');
  });
});
