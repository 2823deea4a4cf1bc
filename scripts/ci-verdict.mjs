// Prints `N skipped`, then last the plain line `N passed, N failed`, from Vitest's JSON report; exits non-zero when no
// test passed or any failed, so a run that executed nothing is never green. A test file that
// failed to load has no test results of its own: it counts as one failure. Names after the
// report's path are static checks that failed (typecheck, boundaries); each counts as one.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
// Static checks that failed before the tests (typecheck, boundaries): each counts as a failure.
const failedChecks = process.argv.slice(3);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`no Vitest JSON report at ${file}: ${error.message}`);
  for (const check of failedChecks) console.log(`${check}: FAILED (see its section above)`);
  console.log(`0 passed, ${failedChecks.length} failed`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const brokenFiles = (report.testResults ?? []).filter(
  (result) => result.status === 'failed' && (result.assertionResults ?? []).every((test) => test.status !== 'failed'),
).length;
for (const check of failedChecks) console.log(`${check}: FAILED (see its section above)`);
const failed = (report.numFailedTests ?? 0) + brokenFiles + failedChecks.length;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(passed === 0 || failed > 0 ? 1 : 0);
