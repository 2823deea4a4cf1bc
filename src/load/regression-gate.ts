import { StressError } from '../errors.ts';
import { MIN_REGRESSION_SECONDS, type RegressionGate, type RegressionLimit } from './load-params.ts';
import type { CapacityBracket, LoadResult, RegressionReport, RegressionRow, SecondSample } from './load-result.ts';
import { hodgesLehmannShift, mannWhitneyU, median } from './mann-whitney-u.ts';

/** One-sided significance level of the gate's tests: a change fails only when p <= this. */
export const REGRESSION_ALPHA = 0.05;

/** The prefix of a regression failure's message (Allure's failure category keys on it). */
export const REGRESSION_PREFIX = 'Regression';

/** What the gate reads of a run: its per-second series and length (a LoadResult or a BaselineStep). */
export interface ComparedRun {
  series: readonly SecondSample[];
  wallTimeS: number;
}

/**
 * This phase against the baseline step, metric by metric, on per-second samples. A metric
 * regressed when it is worse than the baseline by more than its limit, significantly: the
 * one-sided Mann-Whitney U test of "now, less the allowed change, is still worse than the
 * baseline" rejects at REGRESSION_ALPHA (equivalently, the interval's near end is beyond the
 * limit). So a true change exactly at the limit fails at most 5% of the time, and a window
 * that is a little slower in a few seconds (a noisy neighbour) does not fail at all. The change
 * is the Hodges-Lehmann shift over the baseline's median, with the interval that inverts the
 * same test.
 */
export function compareWithBaseline(now: ComparedRun, baseline: ComparedRun, gate: RegressionGate, ref: Extract<RegressionReport, { status: 'compared' }>['baseline']): RegressionReport {
  return {
    status: 'compared',
    baseline: ref,
    alpha: REGRESSION_ALPHA,
    confidence: 1 - 2 * REGRESSION_ALPHA,
    rows: gate.limits.map((limit) => compareMetric(limit, samplesOf(baseline, limit), samplesOf(now, limit))),
  };
}

const worseWhenHigher = (limit: RegressionLimit) => limit.executor !== undefined || !(limit.metric === 'qps' || limit.metric === 'docs_per_sec');

export function metricName(limit: RegressionLimit): string {
  return limit.executor === undefined ? limit.metric : `executor.${limit.executor}.${limit.metric}`;
}

function compareMetric(limit: RegressionLimit, baseline: Samples, now: Samples): RegressionRow {
  const higherIsWorse = worseWhenHigher(limit);
  const signedLimit = higherIsWorse ? limit.limit : -limit.limit;
  const base = { metric: metricName(limit), limit: signedLimit, samples: { baseline: baseline.values.length, now: now.values.length } };
  const missing = baseline.missing ?? now.missing;
  const tooFew = [baseline.values.length < MIN_REGRESSION_SECONDS ? `the baseline has ${baseline.values.length}` : '', now.values.length < MIN_REGRESSION_SECONDS ? `this run has ${now.values.length}` : '']
    .filter(Boolean)
    .join(' and ');
  if (missing || tooFew) {
    const note = missing ?? `too few full seconds with data (${tooFew}; at least ${MIN_REGRESSION_SECONDS} needed)`;
    return { ...base, baseline: 0, now: 0, change: 0, low: null, high: null, pValue: 1, verdict: 'no data', note };
  }
  const baselineMedian = median(baseline.values);
  const nowMedian = median(now.values);
  if (baselineMedian <= 0) {
    return { ...base, baseline: baselineMedian, now: nowMedian, change: 0, low: null, high: null, pValue: 1, verdict: 'no data', note: 'the baseline median is 0: no relative change' };
  }
  // H0: worse by at most the limit. Shift "now" back by the allowed change and test what is left.
  const allowed = signedLimit * baselineMedian;
  const test = mannWhitneyU(
    now.values.map((value) => value - allowed),
    baseline.values,
    higherIsWorse ? 'greater' : 'less',
  );
  const shift = hodgesLehmannShift(now.values, baseline.values, REGRESSION_ALPHA);
  const relative = (value: number) => (Number.isFinite(value) ? value / baselineMedian : null);
  const change = shift.shift / baselineMedian;
  const beyond = higherIsWorse ? change > signedLimit : change < signedLimit;
  const significant = test.pValue <= REGRESSION_ALPHA;
  return {
    ...base,
    baseline: baselineMedian,
    now: nowMedian,
    change,
    low: relative(shift.low),
    high: relative(shift.high),
    pValue: test.pValue,
    verdict: beyond ? (significant ? 'regressed' : 'not significant') : 'passed',
  };
}

interface Samples {
  values: number[];
  /** Why the metric is absent altogether (an executor the run never saw). */
  missing?: string;
}

/**
 * The metric's value in each full second of the run: the last, partial second (the drain
 * after the deadline) is left out, and latency needs a second with a successful request.
 */
function samplesOf(run: ComparedRun, limit: RegressionLimit): Samples {
  const full = run.series.filter((sample) => sample.second + 1 <= run.wallTimeS + 1e-9);
  const values: number[] = [];
  let sawExecutor = false;
  let sawPercentiles = false;
  for (const sample of full) {
    const ok = sample.requests - sample.errors;
    if (limit.executor !== undefined) {
      const table = limit.metric === 'mean' ? sample.executorMeanMs : limit.metric === 'p95' ? sample.executorP95Ms : sample.executorP99Ms;
      if (table) sawPercentiles = true;
      const value = table?.[limit.executor];
      if (value !== undefined) {
        sawExecutor = true;
        values.push(value);
      }
      continue;
    }
    switch (limit.metric) {
      case 'qps':
        values.push(sample.requests);
        break;
      case 'docs_per_sec':
        values.push(sample.docs);
        break;
      case 'p95':
        if (sample.p95Ms === undefined) continue;
        sawPercentiles = true;
        if (ok > 0) values.push(sample.p95Ms);
        break;
      default:
        if (ok > 0) values.push(limit.metric === 'p50' ? sample.p50Ms : sample.p99Ms);
    }
  }
  if (limit.executor !== undefined && !sawExecutor && full.length > 0) {
    const what = limit.metric !== 'mean' && !sawPercentiles ? `no per-second executor ${limit.metric} recorded (a run of an older version, or merged from segments)` : `executor "${limit.executor}" never appeared in its response routes`;
    return { values, missing: what };
  }
  if (limit.metric === 'p95' && limit.executor === undefined && !sawPercentiles && full.length > 0) {
    return { values, missing: 'no per-second p95 recorded (a run of an older version, or merged from segments)' };
  }
  return { values };
}

/** The failure the gate adds to the step's verdict, or undefined (judge-load-step.ts calls it). */
export function regressionFailure(result: Pick<LoadResult, 'job' | 'step' | 'regression'>): StressError | undefined {
  const report = result.regression;
  if (!report) return undefined;
  if (report.status === 'unreadable') return new StressError('BASELINE', `${result.job}/${result.step} cannot compare with its baseline: ${report.reason}`, report.hint ? { hint: report.hint } : {});
  if (report.status === 'missing') {
    if (report.ifMissing === 'pass') return undefined;
    return new StressError('BASELINE', `no baseline to compare ${result.job}/${result.step} with: ${report.reason}`, {
      hint: 'run save_baseline in an earlier (good) run to write it, check the file or S3 key, or set baseline.if_missing: pass to skip the comparison when there is none',
    });
  }
  const failing = report.rows.filter((row) => row.verdict === 'regressed' || row.verdict === 'no data');
  if (failing.length === 0) return undefined;
  const parts = failing.map((row) =>
    row.verdict === 'no data'
      ? `${row.metric}: no data (${row.note})`
      : row.brackets
        ? `${row.metric} ${formatChange(row.change)} (limit ${formatChange(row.limit)}, brackets ${formatBrackets(row.brackets)} req/s: ${row.note})`
        : `${row.metric} ${formatChange(row.change)} (limit ${formatChange(row.limit)}, ${Math.round(report.confidence * 100)}% interval ${formatInterval(row)}, p ${formatP(row.pValue)})`,
  );
  const capacityOnly = report.rows.every((row) => row.metric === 'capacity');
  return new StressError('REGRESSION', `${REGRESSION_PREFIX} in ${result.job}/${result.step} against ${report.baseline.source}: ${parts.join('; ')}`, {
    hint: capacityOnly
      ? 'The capacity fails only when the whole new bracket is below the limit: the first failing rate now is below the baseline\'s last passing rate less the limit; see the regression table attachment.'
      : `A metric fails when it is worse than the baseline by more than its limit, significantly: the one-sided Mann-Whitney U test of that on per-second samples gives p <= ${report.alpha}; see the regression table attachment.`,
    details: { rows: failing, table: renderRegressionTable(report) },
  });
}

/** A plain-text table of every compared metric (the attachment, the failure's details). */
export function renderRegressionTable(report: RegressionReport): string {
  if (report.status === 'unreadable') return `baseline ${report.source}: ${report.reason}`;
  if (report.status === 'missing') return `baseline ${report.source}: ${report.reason}${report.ifMissing === 'pass' ? ' (skipped: if_missing: pass)' : ''}`;
  // find_capacity's row compares two brackets, not samples: brackets in the interval's column, probes for seconds.
  const capacityOnly = report.rows.length > 0 && report.rows.every((row) => row.brackets !== undefined || row.metric === 'capacity');
  const confidence = capacityOnly ? 'brackets (baseline → now, req/s)' : `${Math.round(report.confidence * 100)}% interval`;
  const header = ['metric', 'limit', 'baseline', 'now', 'change', confidence, 'p', capacityOnly ? 'probes' : 'seconds', 'verdict'];
  const rows = report.rows.map((row) => [
    row.metric,
    formatChange(row.limit),
    row.verdict === 'no data' ? '-' : formatValue(row.baseline),
    row.verdict === 'no data' ? '-' : formatValue(row.now),
    row.verdict === 'no data' ? '-' : formatChange(row.change),
    row.brackets ? formatBrackets(row.brackets) : row.verdict === 'no data' ? '-' : formatInterval(row),
    row.verdict === 'no data' || row.brackets ? '-' : formatP(row.pValue),
    `${row.samples.baseline}/${row.samples.now}`,
    row.verdict === 'regressed' ? 'REGRESSED' : row.verdict === 'no data' ? `NO DATA: ${row.note}` : row.verdict,
  ]);
  const numeric = new Set([1, 2, 3, 4, 6, 7]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const against = `against ${report.baseline.source} (run ${report.baseline.runId}, step ${report.baseline.job}/${report.baseline.step})`;
  if (capacityOnly) {
    const title = `${against}; baseline and now are the highest passing rates (req/s); brackets: last passing–first failing rate of each search; fails only when the first failing rate now is below the baseline's last passing rate less the limit`;
    return [title, '', line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
  }
  const title = `${against}; baseline and now are medians of per-second values (ms, or per second); change: Hodges-Lehmann shift over the baseline median; p: one-sided Mann-Whitney U of "worse by more than the limit", which fails at p <= ${report.alpha}`;
  return [title, '', line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** One line for the step's log and summary. */
export function summarizeRegression(report: RegressionReport): string {
  if (report.status === 'unreadable') return `regression gate: failed, ${report.reason}`;
  if (report.status === 'missing') return `regression gate: ${report.ifMissing === 'pass' ? 'skipped' : 'failed'}, no baseline (${report.reason})`;
  const parts = report.rows.map((row) =>
    row.verdict === 'no data' ? `${row.metric} no data (${row.note})` : `${row.metric} ${formatChange(row.change)} [${row.brackets ? `brackets ${formatBrackets(row.brackets)} req/s` : formatInterval(row)}] ${row.verdict}`,
  );
  return `regression gate against ${report.baseline.source}: ${parts.join(', ')}`;
}

function formatChange(fraction: number): string {
  const percent = fraction * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

function formatInterval(row: RegressionRow): string {
  const end = (value: number | null, infinite: string) => (value === null ? infinite : formatChange(value));
  return `${end(row.low, '-inf')} … ${end(row.high, '+inf')}`;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** `95–100 → 45–50`: the two brackets of a capacity row. */
function formatBrackets(brackets: { baseline: CapacityBracket; now: CapacityBracket }): string {
  return `${formatBracket(brackets.baseline)} → ${formatBracket(brackets.now)}`;
}

/** `95–100`, `≥200` (every probe up to max_rate passed), `≥40 (unresolved)`. */
export function formatBracket(bracket: CapacityBracket): string {
  if (bracket.firstFailing !== undefined) return `${formatRate(bracket.lastPassing)}–${formatRate(bracket.firstFailing)}`;
  return bracket.status === 'above-max-rate' ? `≥${formatRate(bracket.lastPassing)}` : `≥${formatRate(bracket.lastPassing)} (${bracket.status})`;
}

export function formatRate(rate: number): string {
  return rate.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
