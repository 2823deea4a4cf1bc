import { type CategoryMatchingData, matchCategory, normalizeCategoriesConfig } from '@allurereport/core-api';
import { describe, expect, it } from 'vitest';
import allureConfig from '../../allurerc.ts';
import { StressError } from '../../src/errors.ts';
import { loadStepFailure } from '../../src/load/judge-load-step.ts';
import { failureMessage } from '../../src/report/failure-categories.ts';
import { buildSampleLoadResult } from './build-sample-load-result.ts';

/** Allure's own matching, fed the categories from allurerc.ts, as the HTML report does it. */
function allureCategoryOf(message: string, status: 'failed' | 'broken' = 'failed'): string | undefined {
  const categories = normalizeCategoriesConfig(allureConfig.categories);
  const data: CategoryMatchingData = { status, labels: [], message, flaky: false };
  return matchCategory(categories, data)?.name;
}

describe('failure categories in allurerc', () => {
  it('a threshold breach from a real report lands in "Threshold breaches", raw or formatted', () => {
    const report = buildSampleLoadResult({ thresholds: [{ name: 'p99_ms', limit: 20, measured: 61.3, passed: false }] });
    const error = loadStepFailure(report);
    expect(error?.code).toBe('THRESHOLD');
    expect(error?.message).toBe('Threshold breached in images-stress-test/index: p99_ms measured 61.3, limit 20');
    expect(allureCategoryOf(error?.message ?? '')).toBe('Threshold breaches');
    expect(allureCategoryOf(failureMessage(error))).toBe('Threshold breaches');
  });

  it('a breach with a note (an executor that never answered) carries the note', () => {
    const report = buildSampleLoadResult({
      thresholds: [{ name: 'executor.ranker.p99_ms', limit: 5, measured: 0, passed: false, note: 'executor "ranker" never appeared in the response routes' }],
    });
    expect(loadStepFailure(report)?.message).toBe(
      'Threshold breached in images-stress-test/index: executor.ranker.p99_ms measured 0, limit 5 (executor "ranker" never appeared in the response routes)',
    );
  });

  it('violations within the step\'s max_violations pass; one more fails and says what was tolerated', () => {
    const base = buildSampleLoadResult();
    const samples = [{ requestId: 'ab12', message: 'doc 4 has no embedding' }];
    expect(loadStepFailure({ ...base, config: { ...base.config, maxViolations: 3 }, violations: { count: 3, samples } })).toBeUndefined();
    expect(loadStepFailure({ ...base, config: { ...base.config, maxViolations: 3 }, violations: { count: 4, samples } })?.message).toBe(
      'Check violated in images-stress-test/index: 4 responses, 3 tolerated (first: request ab12: doc 4 has no embedding)',
    );
  });

  it('check violations land in "Check violations"', () => {
    const base = buildSampleLoadResult();
    const report = { ...base, violations: { count: 3, samples: [{ requestId: 'ab12', message: 'doc 4 has no embedding' }] } };
    const error = loadStepFailure(report);
    expect(error?.message).toBe('Check violated in images-stress-test/index: 3 responses (first: request ab12: doc 4 has no embedding)');
    expect(allureCategoryOf(failureMessage(error), 'broken')).toBe('Check violations');
  });

  it('a max_violations threshold judges violations instead of failing on the first', () => {
    const base = buildSampleLoadResult();
    const report = {
      ...base,
      config: { ...base.config, thresholds: { maxViolations: 5 } },
      violations: { count: 3, samples: [] },
      thresholds: [{ name: 'max_violations', limit: 5, measured: 3, passed: true }],
    };
    expect(loadStepFailure(report)).toBeUndefined();
  });

  it('connection errors and timeouts match by code and by what libraries and Vitest say', () => {
    const cases: Array<[string, string]> = [
      [failureMessage(new StressError('GATEWAY_CONNECTION', 'gateway 127.0.0.1:23456 refused')), 'Connection errors'],
      [failureMessage(new StressError('DAEMON_UNREACHABLE', 'no daemon at http://127.0.0.1:8000')), 'Connection errors'],
      ['connect ECONNREFUSED 127.0.0.1:8000', 'Connection errors'],
      ['14 UNAVAILABLE: No connection established', 'Connection errors'],
      [failureMessage(new StressError('GATEWAY_TIMEOUT', '12 requests over 30000 ms')), 'Timeouts'],
      ['Test timed out in 30000ms.', 'Timeouts'],
      ['4 DEADLINE_EXCEEDED: Deadline exceeded', 'Timeouts'],
    ];
    for (const [message, category] of cases) expect(allureCategoryOf(message), message).toBe(category);
  });

  it('other failures fall through to Allure\'s defaults', () => {
    expect(allureCategoryOf('expected 3 to be 4')).toBe('Product errors');
    expect(allureCategoryOf(failureMessage(new StressError('INPUT', 'no dataset')), 'broken')).toBe('Test errors');
  });
});
