import { type StressErrorCode, isStressError } from '../errors.ts';
import { CHECK_VIOLATION_PREFIX, THRESHOLD_BREACH_PREFIX } from '../load/judge-load-step.ts';
import { REGRESSION_PREFIX } from '../load/regression-gate.ts';

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

export const failureCategories = [
  {
    id: 'threshold-breaches',
    name: 'Threshold breaches',
    codes: ['THRESHOLD'],
    messagePatterns: [new RegExp(`^${THRESHOLD_BREACH_PREFIX}\\b`)],
  },
  {
    id: 'regressions',
    name: 'Regressions against the baseline',
    codes: ['REGRESSION'],
    messagePatterns: [new RegExp(`^${REGRESSION_PREFIX} in\\b`)],
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
const PRODUCT_FAILURE_CODES: readonly StressErrorCode[] = ['THRESHOLD', 'CHECK', 'REGRESSION'];

/**
 * What the suite should throw when a step fails: the message is `failureMessage(error)` (so
 * the categories match) and, for thresholds, the table of every outcome; the original error is the `cause`. Threshold breaches and check
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
