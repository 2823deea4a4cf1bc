// Prints the totals of docs/reliability.md: `npx tsx scripts/reliability/reliability-report.ts`.
// Runs the fault, bad-input, security, leak and secret tests through Vitest's JSON reporter
// and counts what each tried and what held, then accounts for every request of a few faulty
// load phases against a proxy's count of what reached the target. Exits non-zero when
// anything did not hold. (~5 min; the tests are the framework's own, run as `npm test` runs them.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { accountRequests } from './account-requests.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

interface Category {
  row: string;
  /** What "held" means for a test of this row. */
  held: string;
  files: string[];
}

/** Which test files count toward which row. A test counts once per row it is listed in. */
const categories: Category[] = [
  {
    row: 'Faults tried / survived',
    held: 'survived',
    files: [
      'tests/vitest/stalled-executor-does-not-hang-the-run.test.ts',
      'tests/vitest/interrupted-run-keeps-partial-results.test.ts',
      'tests/vitest/run-removes-what-it-left-by-run-id.test.ts',
      'tests/vitest/failed-step-skips-the-rest-but-cleans-up.test.ts',
      'tests/reference-runtime/closing-cuts-off-a-stalled-executor.test.ts',
      'tests/reference-runtime/executors/fault-executor-injects-latency-errors-and-crashes.test.ts',
      'tests/load/errors-are-counted-by-kind.test.ts',
      'tests/load/open-model-shows-a-stall-that-closed-model-hides.test.ts',
      'tests/load/deadline-holds-and-abort-stops-cleanly.test.ts',
      'tests/gateway/connection-failures-are-typed.test.ts',
      'tests/gateway/grpc-stream-reports-an-unreachable-deployment.test.ts',
      'tests/gateway/grpc-stream-times-out-each-request-at-its-deadline.test.ts',
      'tests/daemon/daemon-client-retries-transient-failures.test.ts',
      'tests/sinks/s3-upload-names-keys-that-did-not-arrive.test.ts',
      'tests/agent/restarted-agent-removes-what-a-killed-one-left.test.ts',
      'tests/agent/stopping-a-flow-kills-its-process-group.test.ts',
      'tests/agent/agent-command-stops-flows-on-sigterm.test.ts',
      'tests/agent/concurrent-workspace-operations-never-500.test.ts',
      'tests/agent/closing-the-request-cancels-the-start.test.ts',
    ],
  },
  {
    row: 'Bad inputs tried / refused clearly',
    held: 'refused with a clear error',
    files: [
      'tests/cli/bad-configs-print-exact-problems.test.ts',
      'tests/config/load-plan-throws-one-error-with-every-problem.test.ts',
      'tests/vitest/invalid-config-stops-before-any-step.test.ts',
      'tests/reference-runtime/read-flow-yaml-reports-every-problem.test.ts',
      'tests/agent/garbage-multipart-is-a-4xx.test.ts',
      'tests/agent/upload-size-limits-answer-413.test.ts',
      'tests/agent/flow-that-fails-to-start-reports-its-log.test.ts',
      'tests/daemon/daemon-client-errors-name-call-status-and-detail.test.ts',
      'tests/daemon/unresolvable-daemon-host-is-a-dns-error.test.ts',
    ],
  },
  {
    // The agent-security work's own tests (issue 9 items 1-3); its author reports its totals.
    row: 'Security attempts tried / refused (agent tests)',
    held: 'refused',
    files: [
      'tests/agent/requests-cannot-run-code-through-the-environment.test.ts',
      'tests/agent/a-web-page-cannot-drive-the-agent.test.ts',
      'tests/agent/cross-site-requests-are-refused.test.ts',
      'tests/agent/a-flow-cannot-read-the-agent-environment.test.ts',
      'tests/agent/nothing-outside-the-workspace-is-touched.test.ts',
      'tests/agent/upload-names-that-escape-are-rejected.test.ts',
      'tests/agent/token-is-required.test.ts',
      'tests/agent/token-rules-keep-the-agent-closed.test.ts',
    ],
  },
  {
    row: 'Leak checks (flows/workspaces/processes left: must be 0)',
    held: 'nothing left',
    files: [
      'tests/vitest/stalled-executor-does-not-hang-the-run.test.ts',
      'tests/vitest/interrupted-run-keeps-partial-results.test.ts',
      'tests/vitest/run-removes-what-it-left-by-run-id.test.ts',
      'tests/vitest/failed-step-skips-the-rest-but-cleans-up.test.ts',
      'tests/agent/restarted-agent-removes-what-a-killed-one-left.test.ts',
      'tests/agent/runs-own-their-workspaces-and-flows.test.ts',
      'tests/agent/stopping-a-flow-kills-its-process-group.test.ts',
    ],
  },
  {
    row: 'Secret checks (secrets found in output: must be 0)',
    held: 'no secret found',
    files: [
      'tests/vitest/secrets-never-reach-what-a-run-writes.test.ts',
      'tests/report/redact-secrets-hides-known-and-shaped-secrets.test.ts',
      'tests/report/known-secrets-and-redacted-errors.test.ts',
      'tests/sinks/slack-webhook-posts-block-kit-and-never-leaks-the-url.test.ts',
    ],
  },
];

interface JsonReport {
  testResults: Array<{ name: string; status: string; assertionResults: Array<{ status: string; fullName: string }> }>;
}

function runTests(files: string[]): JsonReport {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-report-'));
  const outputFile = join(dir, 'vitest.json');
  try {
    spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.tests.config.ts', '--reporter=json', `--outputFile.json=${outputFile}`, ...files],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    return JSON.parse(readFileSync(outputFile, 'utf8')) as JsonReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const allFiles = [...new Set(categories.flatMap((category) => category.files))];
const report = runTests(allFiles);
const byFile = new Map(report.testResults.map((result) => [relative(repoRoot, result.name), result]));

const lines: string[] = [];
let isAllHeld = true;
lines.push('| | tried | held | not held | skipped |', '|---|---:|---:|---:|---:|');
for (const category of categories) {
  let tried = 0;
  let passed = 0;
  let skipped = 0;
  for (const file of category.files) {
    const result = byFile.get(file);
    if (!result) {
      isAllHeld = false;
      console.error(`no result for ${file}`);
      continue;
    }
    // A file that failed to load has no test results: one failure.
    if (result.assertionResults.length === 0 && result.status !== 'passed') tried += 1;
    for (const test of result.assertionResults) {
      if (test.status === 'skipped' || test.status === 'pending') skipped += 1;
      else tried += 1;
      if (test.status === 'passed') passed += 1;
      else if (test.status === 'failed') console.error(`did not hold: ${file} > ${test.fullName}`);
    }
  }
  if (passed !== tried) isAllHeld = false;
  lines.push(`| ${category.row} | ${tried} | ${passed} ${category.held} | ${tried - passed} | ${skipped} |`);
}

const accounting = await accountRequests();
lines.push('', '| load phase (through a counting proxy) | reached the target | ok | errors | cut off | ok + errors + cut off |', '|---|---:|---:|---:|---:|---:|');
for (const row of accounting) {
  const total = row.ok + row.errors + row.cutOff;
  if (total !== row.arrived) isAllHeld = false;
  lines.push(`| ${row.scenario} | ${row.arrived} | ${row.ok} | ${row.errors} | ${row.cutOff} | ${total}${total === row.arrived ? '' : ' ≠'} |`);
}
const sums = accounting.reduce((sum, row) => ({ arrived: sum.arrived + row.arrived, accounted: sum.accounted + row.ok + row.errors + row.cutOff }), { arrived: 0, accounted: 0 });
lines.push(`| **all** | ${sums.arrived} | | | | ${sums.accounted} |`);

console.log(lines.join('\n'));
process.exitCode = isAllHeld ? 0 : 1;
