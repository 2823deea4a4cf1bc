import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { projectFrom, readStatsRows, runCommand } from './support/packed-install.ts';
import { packageJson, SEARCH_FLOW_YML, SHORT_STRESS_YAML } from './support/project-files.ts';

const packed = inject('packedInstall');

const UNIT_TEST = `import { expect, test } from 'vitest';
import { sum } from '../src/sum';

test('sum adds', () => {
  expect(sum(2, 3)).toBe(5);
});
`;

const files = {
  'package.json': packageJson('module'),
  'src/sum.ts': 'export const sum = (a: number, b: number): number => a + b;\n',
  'test/sum.test.ts': UNIT_TEST,
  'stress.yaml': SHORT_STRESS_YAML,
  'flows/search.yml': SEARCH_FLOW_YML,
};

interface JsonReport {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

describe('a project with its own unit tests', () => {
  test('the plugin in its own projects entry: the unit tests and the stress steps both run', async () => {
    const dir = await projectFrom(packed.latest.dir, join(packed.workDir, 'projects'), {
      ...files,
      'vitest.config.ts': `import { defineConfig } from 'vitest/config';
import { jinaStress } from 'jina-stress';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'] } },
      { plugins: [jinaStress({ config: 'stress.yaml' })], test: { name: 'stress' } },
    ],
  },
});
`,
    });
    const run = await runCommand('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=vitest.json'], dir);
    expect(run.exitCode, run.output).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'vitest.json'), 'utf8')) as JsonReport;
    const passed = report.testResults.flatMap((file) => file.assertionResults.filter((result) => result.status === 'passed').map((result) => result.fullName));
    expect(passed).toContain('sum adds');
    expect(passed).toEqual(expect.arrayContaining(['stress.yaml packed index', 'stress.yaml packed query', 'stress.yaml packed collect_stats']));
    expect((await readStatsRows(dir)).map((row) => row.task)).toEqual(['index', 'query']);
  });

  test('the plugin beside a test.include of its own: refused with the fix, exit 2, nothing run', async () => {
    const dir = await projectFrom(packed.latest.dir, join(packed.workDir, 'mixed-include'), {
      ...files,
      'vitest.config.ts': `import { defineConfig } from 'vitest/config';
import { jinaStress } from 'jina-stress';

export default defineConfig({ plugins: [jinaStress({ config: 'stress.yaml' })], test: { include: ['test/**/*.test.ts'] } });
`,
    });
    const run = await runCommand('npx', ['vitest', 'run'], dir);
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('jinaStress() was added to a Vitest config that has its own test.include');
    expect(run.output).toContain('projects');
    await expect(readFile(join(dir, 'reports/steps.json'))).rejects.toThrow();
  });

  test('the plugin alone with unit tests under the default include: the stress run names the tests it does not run', async () => {
    const dir = await projectFrom(packed.latest.dir, join(packed.workDir, 'default-include'), {
      ...files,
      // The warning comes before any step: a one-step job keeps the run short.
      'stress.yaml': 'jobs:\n  quick:\n    steps:\n      - method: collect_stats\n',
      'vitest.config.ts': `import { defineConfig } from 'vitest/config';
import { jinaStress } from 'jina-stress';

export default defineConfig({ plugins: [jinaStress({ config: 'stress.yaml' })] });
`,
    });
    const run = await runCommand('npx', ['vitest', 'run'], dir);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/jina-stress: 1 test file\(s\) of this project \(test\/sum\.test\.ts\) are not run by this config/);
  });
});
