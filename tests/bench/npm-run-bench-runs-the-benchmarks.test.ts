import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// `npm run bench` (README, docs/benchmarks.md) stays a working command: the list, and short
// smoke runs of the benchmarks that need nothing beyond npm packages. A smoke run proves the
// bench still runs end to end and prints its table; it asserts nothing about speed.
const root = fileURLToPath(new URL('../..', import.meta.url));

function npmRunBench(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('npm run bench lists every benchmark with its command', () => {
  const { status, stdout } = npmRunBench();
  expect(status).toBe(0);
  for (const name of ['peers', 'default-job', 'generator-efficiency', 'client-costs', 'record-cost', 'memory-flat', 'startup', 'codec', 'vs-jina-client']) {
    expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  }
  expect(stdout).toContain('npx tsx bench/peers/peers.ts --seconds 5 --rounds 3');
});

test('an unknown bench name is refused with the known names', () => {
  const { status, stderr } = npmRunBench('no-such-bench');
  expect(status).toBe(2);
  expect(stderr).toContain('unknown bench "no-such-bench"; known: peers, default-job, generator-efficiency');
});

test('peers smoke run: autocannon and bare ws beside ours on the reference gateway, one table of ratios', { timeout: 150_000 }, () => {
  const { status, stdout, stderr } = npmRunBench('peers', '--smoke');
  expect(status, stderr).toBe(0);
  expect(stdout).toContain('| scenario | peer | rate per generator core | the same after 1 s | rate (wall) | CPU per request | p50 | p99 | errors (peer / ours) |');
  // A smoke round (0.5 s) has no second after the first: that column says so with a dash.
  // Both sides answered without a single error against the real reference gateway.
  expect(stdout).toMatch(/^\| http \| autocannon \| [\d.]+× \| (?:–|[\d.]+×) \| [\d.]+× \| [\d.]+× \| [\d.]+× \| [\d.]+× \| 0 \/ 0 \|$/m);
  expect(stdout).toMatch(/^\| websocket \| bare ws \| [\d.]+× \| (?:–|[\d.]+×) \| [\d.]+× \| [\d.]+× \| [\d.]+× \| [\d.]+× \| 0 \/ 0 \|$/m);
  expect(stdout).toMatch(/^\| http \| ours \| \d+/m);
});

test('generator-efficiency and record-cost smoke runs print their tables', { timeout: 150_000 }, () => {
  const efficiency = npmRunBench('generator-efficiency', '--smoke');
  expect(efficiency.status, efficiency.stderr).toBe(0);
  expect(efficiency.stdout).toMatch(/^\| 1 \| 16 \| \d+ \| \d+ \| \d+% \| [\d.]+ \| [\d.]+ \|$/m);
  const record = npmRunBench('record-cost', '--smoke');
  expect(record.status, record.stderr).toBe(0);
  expect(record.stdout).toMatch(/^\| LoadRecorder.record, per recorded sample \| [\d.]+ \|$/m);
});
