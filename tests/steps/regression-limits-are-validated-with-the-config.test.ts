import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { validateConfigText } from '../../src/config/validate-config.ts';
import { categorizeFailureMessage } from '../../src/report/failure-categories.ts';
import { referenceFlow } from '../vitest/support/flow-paths.ts';

// baseline/regression keys are checked with the config, all problems at once, each with its
// YAML path and line: a typo in a limit must not wait for a 30-minute run to surface.
let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'regression-keys-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function problemsOf(yaml: string): Promise<string[]> {
  const configPath = join(dir, 'stress.yaml');
  await writeFile(configPath, yaml);
  const validation = validateConfigText(yaml, { configPath, env: {} });
  if (validation.status !== 'invalid') return [];
  return validation.problems.map((problem) => `${problem.line}: ${problem.yamlPath}: ${problem.message}${problem.found ? `, got ${problem.found}` : ''}${problem.hint ? ` (${problem.hint})` : ''}`);
}

const flow = referenceFlow('index-grpc.yml');
const job = (step: string) => `jobs:
  main:
    steps:
      - method: create_workspace
        files: [${flow}]
      - method: start_flow
        file: ${flow}
${step}`;

test('an unknown metric, a bad percentage and a wrong sign are each named at their line', async () => {
  const problems = await problemsOf(
    job(`      - method: index
        execution_time: 5
        inputs: { method: random_texts }
        baseline: { file: base.json }
        regression:
          p99: -10%
          p98: +5%
          qps: 5
          docs_per_sec: ten percent
          executor: { indexer: { p90: +15% } }
`),
  );
  expect(problems).toEqual([
    expect.stringMatching(/^13: jobs\.main\.steps\[2\]\.regression\.p99: p99 regresses when it rises: write \+10%, not -10%/),
    expect.stringMatching(/^14: jobs\.main\.steps\[2\]\.regression\.p98: unknown key "p98" \(did you mean "p95"\?\)/),
    expect.stringMatching(/^15: jobs\.main\.steps\[2\]\.regression\.qps: expected a change like -10%, got 5/),
    expect.stringMatching(/^16: jobs\.main\.steps\[2\]\.regression\.docs_per_sec: expected a percentage like -10%, got "ten percent"/),
    expect.stringMatching(/^17: jobs\.main\.steps\[2\]\.regression\.executor\.indexer\.p90: unknown key "p90"/),
  ]);
});

test("an executor the job's Flow does not have is a config error, with the names it has", async () => {
  const problems = await problemsOf(
    job(`      - method: index
        execution_time: 5
        inputs: { method: random_texts }
        baseline: { s3: { bucket: b, key: k.json }, if_missing: pass }
        regression: { p99: +10%, executor: { indexr: { p95: +15% }, encoder: { mean: +20% } } }
`),
  );
  expect(problems).toEqual([
    `12: jobs.main.steps[2].regression.executor.indexr: unknown executor "indexr" (did you mean "indexer"? the Flow ${flow} has: encoder, indexer)`,
  ]);
});

test('regression needs a baseline, a baseline needs one source, and the phase enough seconds', async () => {
  const problems = await problemsOf(
    job(`      - method: index
        execution_time: 2
        inputs: { method: random_texts }
        regression: { p99: +10% }
      - method: query
        inputs: { method: random_texts }
        baseline: { file: base.json, s3: { key: k } }
        regression: { qps: -5% }
`),
  );
  expect(problems).toEqual([
    expect.stringMatching(/^11: jobs\.main\.steps\[2\]\.regression: regression needs a baseline to compare with/),
    expect.stringMatching(/^11: jobs\.main\.steps\[2\]\.regression: the regression gate compares per-second samples, and a 2 s phase has too few \(run the phase for at least 3 s/),
    expect.stringMatching(/^14: jobs\.main\.steps\[3\]\.baseline: baseline names both file and s3/),
  ]);
});

test('a valid gate loads into the step params', async () => {
  const configPath = join(dir, 'ok.yaml');
  const yaml = job(`      - method: index
        execution_time: 5
        inputs: { method: random_texts }
        baseline: { s3: { bucket: b, key: k.json, endpoint: 'http://127.0.0.1:9', force_path_style: true } }
        regression: { p99: +10%, qps: '-5%', executor: { indexer: { p95: 15% } } }
`);
  await writeFile(configPath, yaml);
  const validation = validateConfigText(yaml, { configPath, env: {} });
  expect(validation.status).toBe('valid');
  if (validation.status !== 'valid') return;
  const step = validation.plan.jobs[0]!.steps[2]!;
  expect(step.kind).toBe('index');
  expect((step.params as { regression?: unknown }).regression).toEqual({
    source: { kind: 's3', key: 'k.json', bucket: 'b', endpoint: 'http://127.0.0.1:9', region: undefined, forcePathStyle: true },
    ifMissing: 'fail',
    limits: [
      { metric: 'p99', limit: 0.1 },
      { metric: 'qps', limit: 0.05 },
      { metric: 'p95', executor: 'indexer', limit: 0.15 },
    ],
  });
});

test('a regression failure lands in its own Allure category, as a product failure', () => {
  expect(categorizeFailureMessage('[REGRESSION] Regression in main/index against b.json: p99 +31.0%')).toBe('regressions');
  expect(categorizeFailureMessage('Regression in main/index against b.json: p99 +31.0%')).toBe('regressions');
});

test('find_capacity takes only a capacity limit, as a fall, and a baseline to go with it', async () => {
  const search = (extra: string) => `      - method: find_capacity
        inputs: { method: random_texts }
        objective: { p99_ms: 200 }
        start_rate: 10
${extra}`;
  const problems = await problemsOf(
    job(`${search(`        baseline: { file: base.json }
        regression:
          capacity: +10%
          p99: +10%
`)}${search(`        regression: { capacity: -10% }
`)}${search(`        baseline: { file: base.json, step: other }
        regression: {}
`)}`),
  );
  expect(problems).toEqual([
    expect.stringMatching(/^14: jobs\.main\.steps\[2\]\.regression\.capacity: capacity regresses when it falls: write -10%, not \+10%/),
    expect.stringMatching(/^15: jobs\.main\.steps\[2\]\.regression\.p99: unknown key "p99"/),
    expect.stringMatching(/^20: jobs\.main\.steps\[3\]\.regression: regression needs a baseline to compare with/),
    expect.stringMatching(/^26: jobs\.main\.steps\[4\]\.regression: regression sets no limit \(add at least one, e.g\. capacity: -10%\)/),
  ]);
  // A good one validates.
  expect(await problemsOf(job(search(`        baseline: { file: base.json, if_missing: pass }
        regression: { capacity: -10% }
`)))).toEqual([]);
});
