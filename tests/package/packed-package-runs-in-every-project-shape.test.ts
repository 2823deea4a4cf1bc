import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { projectFrom, readStatsRows, runCommand } from './support/packed-install.ts';
import { CJS_VITEST_CONFIG, ESM_VITEST_CONFIG, packageJson, SEARCH_FLOW_YML, SHORT_STRESS_YAML } from './support/project-files.ts';

const packed = inject('packedInstall');

// A TypeScript helper importing the installed package, loaded by the load engine's worker
// threads (workers: 2), where neither Vite nor a global loader transforms it.
const HELPER_INPUTS_TS = `import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { defineInput, type InputSource } from 'jina-stress';

export const numbered_texts = defineInput(async (kwargs, context): Promise<InputSource> => {
  // On disk for the test: which thread built this client's input.
  appendFileSync('helper-calls.txt', \`\${threadId} \${context.clientIndex}\\n\`);
  const count = Number(kwargs.count ?? 20);
  let next = 0;
  return {
    name: 'numbered_texts',
    size: count,
    take: (n: number) => Array.from({ length: n }, () => ({ id: \`doc-\${next}\`, text: \`text number \${next % count}\`, tags: { title: \`text \${next++ % count}\` } })),
  };
});
`;

const WITH_HELPER_YAML = SHORT_STRESS_YAML.replace(
  "inputs: { method: random_texts, kwargs: { num_docs: 50 } }",
  'inputs: { method: numbered_texts, kwargs: { count: 30 } }\n        workers: 2',
);

const shapes = [
  { name: 'CommonJS package (npm init -y), vitest.config.ts, a TypeScript helper in worker threads', type: 'commonjs', file: 'vitest.config.ts', config: ESM_VITEST_CONFIG, stress: WITH_HELPER_YAML, helpers: true },
  { name: 'ESM package, vitest.config.ts', type: 'module', file: 'vitest.config.ts', config: ESM_VITEST_CONFIG, stress: SHORT_STRESS_YAML, helpers: false },
  { name: 'CommonJS package, vitest.config.mts', type: 'commonjs', file: 'vitest.config.mts', config: ESM_VITEST_CONFIG, stress: SHORT_STRESS_YAML, helpers: false },
  { name: 'ESM package, vitest.config.js', type: 'module', file: 'vitest.config.js', config: ESM_VITEST_CONFIG, stress: SHORT_STRESS_YAML, helpers: false },
  { name: 'CommonJS package, vitest.config.js with require()', type: 'commonjs', file: 'vitest.config.js', config: CJS_VITEST_CONFIG, stress: SHORT_STRESS_YAML, helpers: false },
] as const;

describe('the packed package in a fresh project: npx vitest run writes the stats table', () => {
  test.each(shapes)('$name', async (shape) => {
    const dir = await projectFrom(packed.latest.dir, join(packed.workDir, `shape-${shapes.indexOf(shape)}`), {
      'package.json': packageJson(shape.type),
      [shape.file]: shape.config,
      'stress.yaml': shape.stress,
      'flows/search.yml': SEARCH_FLOW_YML,
      ...(shape.helpers ? { 'helpers/inputs.ts': HELPER_INPUTS_TS } : {}),
    });
    const run = await runCommand('npx', ['vitest', 'run'], dir);
    expect(run.output).not.toContain('ERR_REQUIRE_ASYNC_MODULE');
    // The highest vitest of the peer range (the lowest: vitest-peer-range-runs-at-its-lowest-version).
    expect(run.output).toContain(`RUN  v${packed.latest.vitest}`);
    expect(run.exitCode, run.output).toBe(0);
    // The suite file ran from the installed package, compiled.
    expect(run.output).toContain('node_modules/jina-stress/dist/suites/stress.test.js');
    const rows = await readStatsRows(dir);
    expect(rows.map((row) => row.task)).toEqual(['index', 'query']);
    for (const row of rows) {
      expect(row.requests).toBeGreaterThan(0);
      expect(row.errors).toBe(0);
      expect(row.passed).toBe(true);
    }
    if (shape.helpers) {
      // Both clients built their input from helpers/inputs.ts, inside load worker threads.
      const calls = (await readFile(join(dir, 'helper-calls.txt'), 'utf8')).trim().split('\n').map((line) => line.split(' ').map(Number));
      expect(calls.map(([, client]) => client).sort()).toEqual([0, 1]);
      for (const [thread] of calls) expect(thread).toBeGreaterThan(0);
    }
  });
});
