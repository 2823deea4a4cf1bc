import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, type StressProject } from './support/stress-project.ts';

let project: StressProject;

beforeAll(async () => {
  const flow = referenceFlow('index-grpc.yml');
  // p99 under a microsecond cannot hold: the index step fails on its threshold.
  project = await createStressProject(`jobs:
  junit:
    steps:
      - method: create_workspace
        files: [${flow}]
      - method: start_flow
        file: ${flow}
      - method: index
        execution_time: 1
        num_clients: 2
        request_size: 5
        inputs: { method: random_texts, kwargs: { num_docs: 20 } }
        thresholds: { p99_ms: 0.001, error_rate: 0.5 }
      - method: terminate_flow
      - method: delete_workspace
`);
});

afterAll(async () => {
  await project?.remove();
});

interface TestCase {
  name: string;
  classname: string;
  failure?: string;
  skipped: boolean;
}

function readTestCases(xml: string): TestCase[] {
  const cases: TestCase[] = [];
  let current: TestCase | undefined;
  let inFailure = false;
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    if (tag.name === 'testcase') current = { name: String(tag.attributes.name), classname: String(tag.attributes.classname), skipped: false };
    if (tag.name === 'failure' && current) {
      inFailure = true;
      current.failure = String(tag.attributes.message ?? '');
    }
    if (tag.name === 'skipped' && current) current.skipped = true;
  });
  parser.on('text', (text) => {
    if (inFailure && current) current.failure += `\n${text}`;
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'failure') inFailure = false;
    if (tag.name === 'testcase' && current) cases.push(current), (current = undefined);
  });
  parser.write(xml).close();
  return cases;
}

test('--reporter=junit beside the plugin: one testcase per step, the failed threshold as a table, exit 1', async () => {
  const junitFile = join(project.dir, 'reports/junit.xml');
  const run = await project.run(['--reporter=default', '--reporter=junit', `--outputFile.junit=${junitFile}`]);
  expect(run.exitCode).toBe(1);
  const cases = readTestCases(await readFile(junitFile, 'utf8'));
  expect(cases.map((testCase) => testCase.name)).toEqual([
    'stress.yaml > junit > create_workspace',
    'stress.yaml > junit > start_flow',
    'stress.yaml > junit > index',
    'stress.yaml > junit > terminate_flow',
    'stress.yaml > junit > delete_workspace',
  ]);
  const failed = cases.filter((testCase) => testCase.failure !== undefined);
  expect(failed.map((testCase) => testCase.name)).toEqual(['stress.yaml > junit > index']);
  const failure = failed[0]!.failure!;
  expect(failure).toContain('[THRESHOLD]');
  expect(failure).toMatch(/threshold\s+limit\s+measured\s+result/);
  expect(failure).toMatch(/p99_ms\s+0\.00100\s+[\d.]+\s+FAILED/);
  expect(failure).toMatch(/error_rate\s+0\.500\s+0\s+ok/);
  // The plugin's own reporters still ran although --reporter replaced the configured ones.
  expect(run.steps?.map((step) => step.state)).toEqual(['passed', 'passed', 'failed', 'passed', 'passed']);
}, 120_000);
