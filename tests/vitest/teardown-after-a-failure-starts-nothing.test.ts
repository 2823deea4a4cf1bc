import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// The index step fails its threshold before the job's second Flow starts. The teardown steps
// still run, but only on what exists: terminate_flow #2 finds no Flow (start_flow #2 was
// skipped) and must not start one in order to terminate it, as a prerequisite would.
let project: StressProject;
let run: StressRun;

beforeAll(async () => {
  project = await createStressProject(`jobs:
  seed:
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
        thresholds: { p99_ms: 0.001 }
      - method: terminate_flow
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: query
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: terminate_flow
      - method: delete_workspace
`);
  run = await project.run([]);
}, 120_000);

afterAll(() => project?.remove());

test('after a failure, a teardown step whose Flow never started starts nothing', () => {
  expect(run.exitCode, run.output).not.toBe(0);
  expect(statesOf(run)).toEqual({
    'seed › create_workspace': 'passed',
    'seed › start_flow': 'passed',
    'seed › index': 'failed',
    'seed › terminate_flow': 'passed',
    'seed › start_flow #2': 'skipped',
    'seed › query': 'skipped',
    'seed › terminate_flow #2': 'passed',
    'seed › delete_workspace': 'passed',
  });
  expect(run.output).not.toContain('running prerequisite');
  expect(run.output).toContain('no flow to terminate in this job');
});
