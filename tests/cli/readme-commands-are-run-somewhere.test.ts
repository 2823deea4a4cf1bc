import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** Where a README command is run: a file (test or .ci/run) that contains the evidence text. */
interface RunBy {
  file: string;
  contains: string;
}

/**
 * Every command the README shows, and where it runs. A command added to the README fails this
 * test until it is listed here with the test or .ci/run step that runs it.
 */
const WHERE_EACH_COMMAND_RUNS: Record<string, RunBy[]> = {
  // The packed tarball stands in for the registry name (the package is installed exactly so).
  'npm i -D jina-stress vitest': [{ file: 'tests/package/support/packed-install.ts', contains: "['install', '--save-dev', tarball, `vitest@${vitestVersion}`" }],
  'npx jina-stress init': [{ file: 'tests/package/init-then-vitest-run-passes.test.ts', contains: "['jina-stress', 'init']" }],
  'npx jina-stress validate stress.yaml': [{ file: 'tests/package/init-then-vitest-run-passes.test.ts', contains: "['jina-stress', 'validate', 'stress.yaml']" }],
  'npx vitest run': [
    { file: '.ci/run', contains: 'npx vitest run ||' },
    { file: 'tests/package/init-then-vitest-run-passes.test.ts', contains: "runCommand('npx', ['vitest', 'run'], dir)" },
  ],
  'npx jina-stress report --single-file': [{ file: 'tests/package/init-then-vitest-run-passes.test.ts', contains: "['jina-stress', 'report', '--single-file']" }],
  'npx vitest run --reporter=default --reporter=junit --outputFile.junit=reports/junit.xml': [
    { file: 'tests/vitest/junit-has-one-testcase-per-step-and-the-threshold-table.test.ts', contains: "['--reporter=default', '--reporter=junit', `--outputFile.junit=${junitFile}`]" },
  ],
  'bash scripts/setup-jina.sh': [{ file: '.ci/run', contains: 'bash scripts/setup-jina.sh' }],
  // The real-Jina configs with JINA_PYTHON, through the plugin (STRESS_CONFIG itself: the line below).
  'JINA_PYTHON=.jina-envs/v2/bin/python STRESS_CONFIG=configs/jina-e2e.yaml npx vitest run': [
    { file: 'tests/e2e/real-jina-v2-every-protocol.test.ts', contains: "'configs/jina-e2e.yaml'" },
    { file: 'tests/e2e/support/real-jina-run.ts', contains: 'JINA_PYTHON: python' },
  ],
  'JINA_PYTHON=.jina-envs/v1/bin/python STRESS_CONFIG=configs/jina-e2e-v1.yaml npx vitest run': [
    { file: 'tests/e2e/real-jina-v1-every-protocol.test.ts', contains: "'configs/jina-e2e-v1.yaml'" },
    { file: 'tests/e2e/support/real-jina-run.ts', contains: 'JINA_PYTHON: python' },
  ],
  'STRESS_CONFIG=configs/my.yaml npx vitest run': [{ file: 'tests/package/vitest-peer-range-runs-at-its-lowest-version.test.ts', contains: "{ STRESS_CONFIG: 'ci.yaml' }" }],
  'npm test': [{ file: '.ci/run', contains: 'npm test --' }],
  // npm test (in .ci/run) runs this project among the others.
  'npx vitest run --config vitest.tests.config.ts --project package': [
    { file: 'package.json', contains: '"test": "vitest run --config vitest.tests.config.ts"' },
    { file: 'vitest.tests.config.ts', contains: "name: 'package'" },
  ],
  'npx vitest run -t "query"': [{ file: 'tests/vitest/test-filter-runs-prerequisites-first.test.ts', contains: "project.run(['-t', 'query'])" }],
  'npx jina-stress validate configs/my.yaml': [{ file: 'tests/cli/validate-works-from-any-directory.test.ts', contains: "[bin, 'validate', ...args]" }],
  'npx jina-stress report': [
    { file: 'tests/cli/cli-answers-version-help-and-json.test.ts', contains: "run('report', " },
    { file: 'tests/report/run-allure-fixture.ts', contains: "'scripts/report.ts'" },
  ],
  'JINA_STRESS_AGENT_TOKEN=T npx jina-stress agent --host 0.0.0.0 --port 8000': [
    { file: 'tests/agent/token-rules-keep-the-agent-closed.test.ts', contains: "runAgent(['--host', '0.0.0.0'], { JINA_STRESS_AGENT_TOKEN: 'readme-token-5c1e' })" },
  ],
  'npx jina-stress agent --help': [{ file: 'tests/cli/cli-answers-version-help-and-json.test.ts', contains: "for (const command of ['init', 'validate', 'report', 'merge', 'agent']) {" }],
  'npx jina-stress agent': [{ file: 'tests/agent/agent-command-stops-flows-on-sigterm.test.ts', contains: "[bin, 'agent'" }],
  'npx jina-stress --help': [{ file: 'tests/cli/cli-answers-version-help-and-json.test.ts', contains: "run('--help')" }],
  'npx jina-stress <command> --help': [{ file: 'tests/cli/cli-answers-version-help-and-json.test.ts', contains: "run(command, '--help')" }],
  'npm ci': [{ file: '.ci/run', contains: 'npm ci --no-audit' }],
  // prepack is the build (asserted below); npm pack runs it.
  'npm run build': [{ file: 'tests/package/support/packed-install.ts', contains: "['pack', '--pack-destination'" }],
  'npm pack': [{ file: 'tests/package/support/packed-install.ts', contains: "['pack', '--pack-destination'" }],
  'npx tsx scripts/add-import-extensions.ts': [{ file: 'tests/cli/add-import-extensions-adds-the-ts-suffix.test.ts', contains: "'scripts/add-import-extensions.ts'" }],
  'npm run typecheck': [{ file: '.ci/run', contains: 'npm run -s typecheck ||' }],
  'npm run boundaries': [{ file: '.ci/run', contains: 'npm run -s boundaries ||' }],
  'npm run schema': [{ file: '.ci/run', contains: 'npm run -s schema &&' }],
  'npm run bench': [{ file: 'tests/bench/npm-run-bench-runs-the-benchmarks.test.ts', contains: "test('npm run bench lists every benchmark with its command'" }],
  'npm run bench -- <name>': [{ file: 'tests/bench/npm-run-bench-runs-the-benchmarks.test.ts', contains: "npmRunBench('peers', '--smoke')" }],
  'npm run bench -- peers': [{ file: 'tests/bench/npm-run-bench-runs-the-benchmarks.test.ts', contains: "npmRunBench('peers', '--smoke')" }],
  'npm run report': [{ file: 'tests/report/run-allure-fixture.ts', contains: "'scripts/report.ts'" }],
  'STRESS_SEGMENT=1/3 npx vitest run --reporter=blob --outputFile=.vitest-reports/blob-1.json': [
    { file: 'tests/vitest/segments-merge-into-one-result-with-merge-reports.test.ts', contains: "['--reporter=blob', `--outputFile=.vitest-reports/blob-${index}.json`], { env: { STRESS_SEGMENT: `${index}/3`" },
  ],
  'npx vitest --merge-reports': [{ file: 'tests/vitest/segments-merge-into-one-result-with-merge-reports.test.ts', contains: "project.run(['--merge-reports'])" }],
  'npx jina-stress merge artifact-1 artifact-2 artifact-3': [
    { file: 'tests/vitest/segments-merge-into-one-result-with-merge-reports.test.ts', contains: "'merge', 'artifact-1', 'artifact-2', 'artifact-3'" },
  ],
  'npx jina-stress merge <dir…>': [
    { file: 'tests/vitest/segments-merge-into-one-result-with-merge-reports.test.ts', contains: "'merge', 'artifact-1', 'artifact-2', 'artifact-3'" },
  ],
  // The CI entry point: the CI system runs it.
  'bash .ci/run': [{ file: '.ci/run', contains: 'npm test --' }],
};

/** Commands in ```bash blocks (comments dropped) and in inline code that starts like a command. */
function readmeCommands(readme: string): string[] {
  const commands = new Set<string>();
  for (const block of readme.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.add(command.replace(/\s+/g, ' '));
    }
  }
  for (const span of readme.matchAll(/`((?:[A-Z_]+=\S+ )*(?:npx|npm|bash|node|tsx) [^`]+)`/g)) commands.add(span[1]!.replace(/\s+/g, ' ').trim());
  return [...commands];
}

test('every command in the README is listed with the test or .ci/run step that runs it', () => {
  const commands = readmeCommands(read('README.md'));
  expect(commands.length).toBeGreaterThan(10);
  const unlisted = commands.filter((command) => !(command in WHERE_EACH_COMMAND_RUNS));
  expect(unlisted, 'README commands with no entry in WHERE_EACH_COMMAND_RUNS').toEqual([]);
  const stale = Object.keys(WHERE_EACH_COMMAND_RUNS).filter((command) => !commands.includes(command));
  expect(stale, 'entries for commands the README no longer shows').toEqual([]);
});

test.each(Object.entries(WHERE_EACH_COMMAND_RUNS))('%s runs where the list says', (_command, places) => {
  for (const place of places) {
    expect(existsSync(path.join(root, place.file)), place.file).toBe(true);
    expect(read(place.file), place.file).toContain(place.contains);
  }
});

test('npm run build is what npm pack runs first', () => {
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  expect(scripts.prepack).toBe(scripts.build);
});
