import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { projectFrom, readStatsRows, runCommand } from './support/packed-install.ts';
import { ESM_VITEST_CONFIG, packageJson, SEARCH_FLOW_YML, SHORT_STRESS_YAML } from './support/project-files.ts';

const packed = inject('packedInstall');

// The highest (the repo's own vitest) runs every other packed-install test.
test.each([['lowest', packed.lowest]])('the %s vitest of the peer range (%o) runs the stress suite', async (label, install) => {
  const dir = await projectFrom(install.dir, join(packed.workDir, `peer-${label}`), {
    'package.json': packageJson('module'),
    'vitest.config.ts': ESM_VITEST_CONFIG,
    // Named by STRESS_CONFIG, which wins over the plugin's config option (stress.yaml, absent).
    'ci.yaml': SHORT_STRESS_YAML,
    'flows/search.yml': SEARCH_FLOW_YML,
  });
  const version = await runCommand('npx', ['vitest', '--version'], dir);
  expect(version.output).toContain(`vitest/${install.vitest}`);
  const run = await runCommand('npx', ['vitest', 'run'], dir, { STRESS_CONFIG: 'ci.yaml' });
  expect(run.exitCode, run.output).toBe(0);
  const rows = await readStatsRows(dir);
  expect(rows.map((row) => [row.task, row.passed])).toEqual([['index', true], ['query', true]]);
  expect(rows.every((row) => row.requests > 0)).toBe(true);
});
