import { StressError, type StressErrorCode, isStressError } from '../errors.ts';
import { renderThresholdTable } from '../load/thresholds.ts';
import type { StepReport } from './step-report.ts';

/**
 * How failed steps are sorted in the Allure report. The Allure 3 HTML report reads categories
 * from `allure-report-config.ts` (which imports `allureCategories` from here), matching on the failure
 * message. A step failure matches when its message starts with `[CODE]` (what
 * `failureMessage` produces for a StressError) or with one of the `messagePatterns` (what
 * libraries and Vitest say on their own: `ECONNREFUSED`, `Test timed out in 30000ms`).
 * First match wins, so the specific categories come first.
 */
export interface FailureCategory {
  id: string;
  name: string;
  codes: readonly StressErrorCode[];
  messagePatterns: readonly RegExp[];
}

/** The prefixes this module's message builders start with; category patterns key on them. */
export const THRESHOLD_BREACH_PREFIX = 'Threshold breached';
export const CHECK_VIOLATION_PREFIX = 'Check violated';

export const failureCategories = [
  {
    id: 'threshold-breaches',
    name: 'Threshold breaches',
    codes: ['THRESHOLD'],
    messagePatterns: [new RegExp(`^${THRESHOLD_BREACH_PREFIX}\\b`)],
  },
  {
    id: 'check-violations',
    name: 'Check violations',
    codes: ['CHECK'],
    messagePatterns: [new RegExp(`^${CHECK_VIOLATION_PREFIX}\\b`)],
  },
  {
    id: 'timeouts',
    name: 'Timeouts',
    codes: ['GATEWAY_TIMEOUT', 'FLOW_NOT_READY'],
    messagePatterns: [/Test timed out in \d+ ?ms/, /Hook timed out in \d+ ?ms/, /\bETIMEDOUT\b/, /\bDEADLINE_EXCEEDED\b/, /\bTimeoutError\b/],
  },
  {
    id: 'connection-errors',
    name: 'Connection errors',
    codes: ['GATEWAY_CONNECTION', 'DAEMON_UNREACHABLE'],
    messagePatterns: [/\bECONNREFUSED\b/, /\bECONNRESET\b/, /\bEHOSTUNREACH\b/, /\bENOTFOUND\b/, /\bEPIPE\b/, /socket hang up/i, /\b14 UNAVAILABLE\b/],
  },
] as const satisfies readonly FailureCategory[];

/** Allure's `CategoryRule` shape (declared here to keep @allurereport types out of src/). */
export interface AllureCategoryRule {
  id: string;
  name: string;
  matchers: Array<{ statuses: Array<'failed' | 'broken'>; message: RegExp }>;
  groupByMessage: boolean;
  expand: boolean;
}

export function allureCategories(): AllureCategoryRule[] {
  return failureCategories.map((category) => ({
    id: category.id,
    name: category.name,
    matchers: [
      new RegExp(`^\\[(?:${category.codes.join('|')})\\]`),
      ...category.messagePatterns,
    ].map((message) => ({ statuses: ['failed', 'broken'], message })),
    groupByMessage: false,
    expand: true,
  }));
}

/** The category a failure message lands in (the same matching Allure applies), if any. */
export function categorizeFailureMessage(message: string): (typeof failureCategories)[number]['id'] | undefined {
  const rules = allureCategories();
  return rules.find((rule) => rule.matchers.some((matcher) => matcher.message.test(message)))?.id as
    | (typeof failureCategories)[number]['id']
    | undefined;
}

/**
 * The message a failed step should report: `[CODE] message` plus the hint for a StressError,
 * the plain message otherwise. The suite uses it as the test error's message.
 */
export function failureMessage(error: unknown): string {
  if (isStressError(error)) return error.format();
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Codes that mean "the target did not do what was asked" rather than "the test could not run". */
const PRODUCT_FAILURE_CODES: readonly StressErrorCode[] = ['THRESHOLD', 'CHECK'];

/**
 * What the suite should throw when a step fails: the message is `failureMessage(error)` (so
 * the categories match) and, for thresholds, the table of every outcome, the original error is the `cause`. Threshold breaches and check
 * violations are named `AssertionError`, which Allure (and allure-vitest) report as "failed";
 * everything else stays "broken" (infrastructure, not the target's behaviour).
 */
export function asTestFailure(error: unknown): Error {
  // A threshold failure shows every outcome as a table under its summary (console, JUnit).
  const table = isStressError(error) && typeof error.details?.table === 'string' ? `\n\n${error.details.table}` : '';
  const failure = new Error(`${failureMessage(error)}${table}`, { cause: error });
  if (isStressError(error) && PRODUCT_FAILURE_CODES.includes(error.code)) failure.name = 'AssertionError';
  return failure;
}

function formatMeasure(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 1 ? 4 : 1);
}

/** `Threshold breached in job/step: p99_ms measured 812.4, limit 500; …` or undefined. */
export function describeThresholdBreaches(report: StepReport): string | undefined {
  const breaches = report.thresholds.filter((outcome) => !outcome.passed);
  if (breaches.length === 0) return undefined;
  const parts = breaches.map((outcome) => {
    const measured = `${outcome.name} measured ${formatMeasure(outcome.measured)}, limit ${formatMeasure(outcome.limit)}`;
    return outcome.note ? `${measured} (${outcome.note})` : measured;
  });
  return `${THRESHOLD_BREACH_PREFIX} in ${report.job}/${report.step}: ${parts.join('; ')}`;
}

/** `Check violated in job/step: 12 responses (first: …)` or undefined. */
export function describeCheckViolations(report: StepReport, checkName?: string, tolerated = 0): string | undefined {
  if (report.violations.count === 0) return undefined;
  const by = checkName ? ` by ${checkName}` : '';
  const allowance = tolerated > 0 ? `, ${tolerated} tolerated` : '';
  const first = report.violations.samples[0];
  const sample = first ? ` (first: request ${first.requestId}: ${first.message})` : '';
  return `${CHECK_VIOLATION_PREFIX} in ${report.job}/${report.step}: ${report.violations.count} responses${by}${allowance}${sample}`;
}

/**
 * The error a load step should fail with after its phase, or undefined when it passed.
 * Threshold breaches win over check violations (the threshold is what the user asked about);
 * both are in the message when both happened.
 */
export function loadStepFailure(report: StepReport): StressError | undefined {
  const thresholds = describeThresholdBreaches(report);
  // With a `max_violations` threshold the threshold outcome judges violations; without one,
  // the step's `max_violations` tolerance does (default 0: the seed asserted on every response).
  const judgedByThreshold = report.config.thresholds.maxViolations !== undefined;
  const tolerated = report.config.maxViolations ?? 0;
  const checks =
    judgedByThreshold || report.violations.count <= tolerated
      ? undefined
      : describeCheckViolations(report, report.config.onAlways?.method, tolerated);
  if (thresholds) {
    return new StressError('THRESHOLD', checks ? `${thresholds}. ${checks}` : thresholds, {
      hint: 'See the step attachments (charts, percentiles) for where the time went.',
      details: { breaches: report.thresholds.filter((outcome) => !outcome.passed), table: renderThresholdTable(report.thresholds) },
    });
  }
  if (checks) {
    return new StressError('CHECK', checks, {
      hint: 'The response validator rejected responses; the summary attachment lists samples.',
      details: { violations: report.violations },
    });
  }
  return undefined;
}
